"""File stamps: a file whose stamp is as recorded is not read again, every other one is, and a
record made too soon after a change is never trusted."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from pipeline.infra import filestate


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def files(folder: Path, contents: dict[str, bytes]) -> list[tuple[str, Path]]:
    for name, data in contents.items():
        (folder / name).write_bytes(data)
    return [(name, folder / name) for name in sorted(contents)]


def later() -> int:
    """A record time well after every change made so far (past the racy window)."""
    return filestate.now_ns() + 2 * filestate.RACY_NS


def test_a_file_whose_stamp_is_unchanged_is_not_read_again(tmp_path: Path) -> None:
    listed = files(tmp_path, {"a.yaml": b"one", "b.po": b"two"})
    first = filestate.digests(listed, {}, 0)
    assert {name: record[-1] for name, record in first.items()} == {
        "a.yaml": sha(b"one"), "b.po": sha(b"two")}
    # A record claiming another hash is taken at its word: the file was not read.
    known = {name: [*record[:-1], "recorded"] for name, record in first.items()}
    again = filestate.digests(listed, known, later())
    assert {name: record[-1] for name, record in again.items()} == {
        "a.yaml": "recorded", "b.po": "recorded"}


def test_a_changed_file_is_read_even_with_its_size_and_time_kept(tmp_path: Path) -> None:
    listed = files(tmp_path, {"a.yaml": b"one"})
    path = tmp_path / "a.yaml"
    before = os.stat(path)
    known = {name: [*record[:-1], "recorded"]
             for name, record in filestate.digests(listed, {}, 0).items()}
    path.write_bytes(b"two")  # the same size, in place (same inode)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # its time set back
    assert filestate.digests(listed, known, later())["a.yaml"][-1] == sha(b"two")


def test_a_record_made_right_after_a_change_is_not_trusted(tmp_path: Path) -> None:
    listed = files(tmp_path, {"a.yaml": b"one"})
    record = filestate.digests(listed, {}, 0)["a.yaml"]
    known = {"a.yaml": [*record[:-1], "recorded"]}
    # Recorded now, a moment after the file was written: a second change within the same
    # clock tick would leave the stamp as it is, so the file is read.
    assert filestate.digests(listed, known, filestate.now_ns())["a.yaml"][-1] == sha(b"one")


def test_outputs_are_compared_by_size_time_and_inode(tmp_path: Path) -> None:
    path = tmp_path / "bundle.json"
    path.write_bytes(b"{}")
    stamp = filestate.stamp(path, changes=False)
    assert filestate.unchanged_output(path, stamp)
    os.link(path, tmp_path / "linked.json")  # linking into the next build keeps it
    assert filestate.unchanged_output(tmp_path / "linked.json", stamp)
    path.write_bytes(b"[]")
    assert not filestate.unchanged_output(path, stamp)
    assert not filestate.unchanged_output(tmp_path / "gone.json", stamp)
    assert not filestate.unchanged_output(tmp_path / "linked.json", None)
    # Without its stamp, an output is still as the build left it if its bytes are.
    assert filestate.intact(path, None, sha(b"[]"))
    assert not filestate.intact(path, None, sha(b"{}"))
    assert not filestate.intact(tmp_path / "gone.json", None, sha(b"[]"))


def test_walk_lists_files_in_a_stable_order_with_skips(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.po").write_text("z")
    (tmp_path / "b" / "a.po").write_text("a")
    (tmp_path / "a.yaml").write_text("a")
    (tmp_path / ".pipeline.lock").write_text("")
    (tmp_path / "skipped").mkdir()
    (tmp_path / "skipped" / "x").write_text("x")
    found = [rel for rel, _ in filestate.walk(tmp_path, frozenset({".pipeline.lock",
                                                                    "skipped"}))]
    assert found == ["a.yaml", "b/a.po", "b/z.po"]



def test_walk_follows_links_to_files_but_not_to_folders(tmp_path: Path) -> None:
    """A link to a file is an input like the file; a link to a folder is not walked (it may
    point back up the tree), and a named pipe or a dangling link is no file at all."""
    outside = tmp_path / "outside"
    (outside / "deep").mkdir(parents=True)
    (outside / "shared.yaml").write_text("x")
    (outside / "deep" / "d.yaml").write_text("d")
    top = tmp_path / "top"
    top.mkdir()
    (top / "own.yaml").write_text("o")
    (top / "linked.yaml").symlink_to(outside / "shared.yaml")
    (top / "folder").symlink_to(outside)
    (top / "loop").symlink_to(top)
    (top / "dangling.yaml").symlink_to(tmp_path / "missing.yaml")
    os.mkfifo(top / "pipe.yaml")
    found = dict(filestate.walk(top))
    assert list(found) == ["linked.yaml", "own.yaml"]
    assert found["linked.yaml"] == os.path.join(top, "linked.yaml")
