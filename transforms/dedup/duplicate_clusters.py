"""Clusters of linked documents and the keep rule that picks the member to keep.

Clusters are connected components: if A~B and B~C are verified, A, B and C form one
cluster even when A and C are less similar. In each cluster one member is kept: the
earliest `published_date` (undated last), then the longest body (`n_chars`), then the
smallest `source_path`, then the smallest `doc_id`. Every member's `dup_cluster` is the kept
member's doc_id; the others have `is_duplicate` true and `duplicate_of` = that doc_id; the
kept member has `is_duplicate` false and `duplicate_of` null. A document without copies has
`dup_cluster` null, `is_duplicate` false, `duplicate_of` null.
"""

from collections.abc import Iterable

import pandas as pd

RESULT_COLUMNS = ["doc_id", "dup_cluster", "is_duplicate", "duplicate_of"]


class LinkedComponents:
    """Union-find over doc_ids; holds only the documents that were ever linked."""

    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, doc_id: str) -> str:
        parent = self.parent.setdefault(doc_id, doc_id)
        while parent != doc_id:
            grandparent = self.parent[parent]
            self.parent[doc_id] = grandparent
            doc_id, parent = parent, self.parent[grandparent]
        return doc_id

    def link(self, lefts: Iterable[str], rights: Iterable[str]) -> None:
        for left, right in zip(lefts, rights, strict=True):
            left_root, right_root = self.find(left), self.find(right)
            if left_root != right_root:
                self.parent[max(left_root, right_root)] = min(left_root, right_root)


def keep_order(documents: pd.DataFrame) -> pd.DataFrame:
    """`documents` sorted by the keep rule: earliest published_date (undated last), longest
    n_chars, smallest source_path, smallest doc_id. The first row of a cluster is kept."""
    published = pd.to_datetime(documents["published_date"])
    ordered = documents.assign(_undated=published.isna(), _published=published)
    ordered = ordered.sort_values(
        ["_undated", "_published", "n_chars", "source_path", "doc_id"],
        ascending=[True, True, False, True, True],
        kind="stable",
    )
    return ordered.drop(columns=["_undated", "_published"])


def apply_keep_rule(documents: pd.DataFrame, components: LinkedComponents) -> pd.DataFrame:
    """RESULT_COLUMNS for every row of `documents` (sorted by doc_id), the linked ones
    clustered by `components` and each cluster kept by `keep_order`."""
    linked = list(components.parent)
    roots = pd.DataFrame(  # object columns even when nothing is linked (no float64 to merge)
        {"doc_id": linked, "root": [components.find(d) for d in linked]}, dtype=object
    )
    keep_columns = ["doc_id", "published_date", "n_chars", "source_path"]
    members = keep_order(documents[keep_columns].merge(roots, on="doc_id"))
    kept = members.groupby("root", sort=False)["doc_id"].first()
    members = members.assign(dup_cluster=members["root"].map(kept))[["doc_id", "dup_cluster"]]
    result = documents[["doc_id"]].merge(members, on="doc_id", how="left")
    result["dup_cluster"] = result["dup_cluster"].astype(object)
    result.loc[result["dup_cluster"].isna(), "dup_cluster"] = None
    result["is_duplicate"] = result["dup_cluster"].notna() & (
        result["dup_cluster"] != result["doc_id"]
    )
    result["duplicate_of"] = result["dup_cluster"].where(result["is_duplicate"], None)
    return result.sort_values("doc_id", ignore_index=True)[RESULT_COLUMNS]


def clusters_of_linked(documents: pd.DataFrame, links: pd.DataFrame) -> pd.DataFrame:
    """RESULT_COLUMNS for the linked `documents`, given every link as a (left, right) pair of
    doc_ids: earlier clusters (doc_id, dup_cluster), exact copies (doc_id, representative) and
    verified near-duplicate pairs. `documents` needs doc_id and the keep rule's columns, and
    only for the documents that appear in a link: the union-find and this frame hold the
    linked documents only, never the whole corpus. (`find_duplicates` does the same in one
    process; a distributed run collects the links and calls this.)

    >>> documents = pd.DataFrame({"doc_id": ["a", "b"], "published_date": [None, None],
    ...                           "n_chars": [10, 20], "source_path": ["a", "b"]})
    >>> clusters_of_linked(documents, pd.DataFrame({"left": ["a"], "right": ["b"]}))
      doc_id dup_cluster  is_duplicate duplicate_of
    0      a           b          True            b
    1      b           b         False         None
    """
    components = LinkedComponents()
    components.link(links["left"].tolist(), links["right"].tolist())
    return apply_keep_rule(documents, components)
