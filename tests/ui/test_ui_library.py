"""Library page in AppTest: documents listed, an upload is indexed and listed, bad uploads leave the index alone."""

from __future__ import annotations

import pytest
from ui_helpers import UIEnv, errors, new_app, no_traceback

from tutor.documents import list_documents

pytestmark = pytest.mark.usefixtures("app_env")

NOTES = b"""# Amazon Rekognition notes

Amazon Rekognition is a managed computer vision service that finds objects, people, text and scenes in images
and videos. It needs no machine learning expertise: you call an API with an image stored in Amazon S3.

## Custom labels

Rekognition Custom Labels trains a model on a few hundred of your own labelled images to find things specific
to your business, such as machine parts or logos.
"""


def library():  # type: ignore[no-untyped-def]
    at = new_app().run()
    at.switch_page("library.py").run()
    no_traceback(at)
    return at


def table_files(at) -> list[str]:  # type: ignore[no-untyped-def]
    return list(at.dataframe[0].value["File"])


def add_button(at):  # type: ignore[no-untyped-def]
    return next(b for b in at.button if b.label.startswith("Add "))


def test_documents_are_listed_with_chunk_counts(app_env: UIEnv) -> None:
    at = library()
    df = at.dataframe[0].value
    assert set(df.columns) >= {"Document", "File", "Chunks", "Indexed"}
    assert {d.doc_id for d in list_documents()} <= set(df["File"])
    assert (df["Chunks"] > 0).all()


def test_upload_is_indexed_listed_and_removable(app_env: UIEnv) -> None:
    at = library()
    at.file_uploader[0].set_value(("rekognition notes.md", NOTES, "text/markdown")).run()
    add_button(at).click().run()
    no_traceback(at)
    assert not errors(at), errors(at)
    assert any("Added rekognition notes.md" in s.value for s in at.success)
    assert "rekognition notes.md" in table_files(at)
    assert (app_env.corpus / "rekognition notes.md").exists()

    at.selectbox(key="remove_doc").set_value("rekognition notes.md").run()
    next(b for b in at.button if b.label == "Remove").click().run()
    no_traceback(at)
    assert "rekognition notes.md" not in table_files(at)
    assert not (app_env.corpus / "rekognition notes.md").exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("broken.pdf", b"\x00\x01\x02 definitely not a pdf \xff\xfe" * 20),
        ("empty.txt", b""),
        ("../../escape.md", b"# Notes\n\nSome words about Amazon S3 buckets and objects stored in them."),
    ],
)
def test_a_bad_upload_is_reported_and_the_index_is_unchanged(app_env: UIEnv, name: str, data: bytes) -> None:
    before = list_documents()
    corpus_before = sorted(p.name for p in app_env.corpus.iterdir())
    at = library()
    at.file_uploader[0].set_value((name, data, "application/octet-stream")).run()
    add_button(at).click().run()
    no_traceback(at)
    if name.startswith(".."):  # a traversal attempt is sanitised to a bare name inside the corpus folder
        assert not (app_env.corpus.parent / "escape.md").exists()
        assert "escape.md" in table_files(at)
        at.selectbox(key="remove_doc").set_value("escape.md").run()
        next(b for b in at.button if b.label == "Remove").click().run()
        assert list_documents() == before
        return
    assert any(name in e for e in errors(at)), errors(at)
    assert list_documents() == before
    assert sorted(p.name for p in app_env.corpus.iterdir()) == corpus_before
