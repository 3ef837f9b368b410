"""Forum threads and Q&A pages: the first post (the question and its chosen answer) is the
article; later posts and other answers are comments, and the page says it is a forum page."""

from transforms.structure import extract_structure
from transforms.structure.forum import is_post_header

THREAD = """首页 | 论坛 | 社区 | 帮助
当前位置：某某论坛 > 生活 > 本地交流
老街的早点铺子要拆了
楼主：江边散步的人
发表于 2024-03-02 07:40
听说桐湾老街要改造，街口那家开了四十年的早点铺子也在拆迁名单里，有没有知道消息的朋友？
我从小吃他家的豆浆油条长大，每次回老家都要去坐一坐，真舍不得它就这么没了。
2楼 小桥流水
发表于 2024-03-02 09:12
我也听说了，不过街道办说是整体修缮，不是全拆，老字号可以申请保留原来的门面。
3楼 阿明
发表于 2024-03-02 10:05
昨天路过的时候看到墙上贴了公告，下个月开始征求居民意见，大家可以去提提建议。
回复 | 引用 | 举报
版权所有 某某论坛"""

QUESTION = """某某问答 > 生活 > 交通出行
外地车牌早高峰上高架的规定
提问者：路上的小王  2024-05-10 08:15
下个月要开外地牌照的车来本市上班，想问一下早高峰时段能不能走高架，有没有限行的规定？
最佳答案
外地号牌的小客车工作日早晚高峰不能上高架，早上七点到十点、下午四点到七点都在限行时段内，其他时间可以正常通行。
其他回答
可以办一张临时通行证，具体到交警的网站上去查。
我每天都上，没被拍过，不过还是按规定来比较好。"""


def test_a_threads_first_post_is_the_article_and_the_replies_are_comments() -> None:
    result = extract_structure(THREAD)
    body = "".join(result.paragraphs)
    assert "forum_page" in result.flags
    assert body.startswith("听说桐湾老街要改造") and "真舍不得它" in body
    assert "街道办" not in body and "墙上贴了公告" not in body
    comments = [segment.text for segment in result.removed if segment.kind == "comment"]
    assert any("街道办说是整体修缮" in text for text in comments)
    assert any("墙上贴了公告" in text for text in comments)
    assert result.metadata.title == "老街的早点铺子要拆了"


def test_a_question_and_its_chosen_answer_are_the_article_the_other_answers_are_not() -> None:
    result = extract_structure(QUESTION)
    body = "\n".join(result.paragraphs)
    assert "forum_page" in result.flags
    assert "早高峰时段能不能走高架" in body and "早上七点到十点" in body
    assert "临时通行证" not in body and "没被拍过" not in body


def test_an_article_that_mentions_floors_and_posts_is_no_forum() -> None:
    page = """某地新建社区图书室
2024-05-10 10:05　来源：某某县融媒体中心
　　图书室设在社区服务中心2楼，面积120平方米，藏书五千余册，周一至周日免费开放。
　　社区工作人员说，图书室开放以来，每天都有居民来看书，不少老人还在这里发表于报刊上的文章旁边做了笔记。"""
    assert "forum_page" not in extract_structure(page).flags


def test_post_headers() -> None:
    assert is_post_header("楼主：江边散步的人")
    assert is_post_header("#3 阿明")
    assert is_post_header("阿明 发表于 2024-03-02 10:05")
    assert not is_post_header("图书室设在社区服务中心2楼，面积120平方米。")
