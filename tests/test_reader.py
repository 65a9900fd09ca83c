"""Reading text files: encodings, BOMs, line ends and refusing what is not text (corpus.reader)."""
import codecs
import os
import zlib

import pytest

from corpus.errors import InputError
from corpus.reader import decode, read_lines, read_text

SAMPLE = "Việt Nam và Bắc Triều Tiên\nChủ tịch “Kim Yong-nam” – 10,7 triệu $.\n\nThe DPRK’s ties.\n"


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("encoding, bom", [
    ("utf-8", b""),
    ("utf-8", codecs.BOM_UTF8),
    ("utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16-be", codecs.BOM_UTF16_BE),
])
@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_encodings_boms_and_line_ends(tmp_path, encoding, bom, newline):
    data = bom + SAMPLE.replace("\n", newline).encode(encoding)
    assert read_text(write(tmp_path, "doc.txt", data)) == SAMPLE


def test_python_utf16_codec_output_with_bom(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_text(SAMPLE, encoding="utf-16")  # platform byte order, with BOM
    assert read_text(path) == SAMPLE


def test_seed_files_read_as_written(seed_paths):
    for path in seed_paths.values():
        text = read_text(path)
        assert text == path.read_bytes().decode("utf-8")
        assert "\r" not in text


def test_empty_file(tmp_path):
    assert read_text(write(tmp_path, "empty.txt", b"")) == ""
    assert read_text(write(tmp_path, "bom.txt", codecs.BOM_UTF8)) == ""


def refused(path):
    with pytest.raises(InputError) as info:
        read_text(path)
    err = info.value
    assert err.path == str(path)
    assert str(err).startswith(str(path))
    assert "\n" not in str(err)
    return err


def test_binary_file_refused_with_offset_of_first_nul(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
    err = refused(write(tmp_path, "image.png", png))
    assert err.offset == 8
    assert "not a text file" in err.problem
    assert "(byte 8)" in str(err)


def test_compressed_file_refused(tmp_path):
    data = zlib.compress(SAMPLE.encode("utf-8") * 20)
    err = refused(write(tmp_path, "doc.txt.z", data))
    assert "not a text file" in err.problem
    assert err.offset is not None and 0 <= err.offset < len(data)


def test_invalid_utf8_refused_at_the_bad_byte(tmp_path):
    data = "Hà Nội ".encode("utf-8") + b"caf\xe9 au lait"  # Latin-1 é inside UTF-8
    err = refused(write(tmp_path, "latin1.txt", data))
    assert err.offset == len("Hà Nội caf".encode("utf-8"))
    assert "0xe9" in err.problem


def test_invalid_utf8_after_bom_counts_the_bom(tmp_path):
    err = refused(write(tmp_path, "bad.txt", codecs.BOM_UTF8 + b"abc\xff"))
    assert err.offset == 6


def test_truncated_utf8_sequence(tmp_path):
    cut = "ệ".encode("utf-8")[:2]  # a 3-byte letter cut after 2 bytes
    assert refused(write(tmp_path, "mid.txt", b"Vi" + cut + b"t Nam")).offset == 2
    assert refused(write(tmp_path, "end.txt", b"Vi" + cut)).offset == 2


def test_control_character_refused(tmp_path):
    err = refused(write(tmp_path, "ctl.txt", b"abc\x01def"))
    assert err.offset == 3 and "0x01" in err.problem


def test_utf16_offsets_are_byte_offsets(tmp_path):
    data = codecs.BOM_UTF16_LE + "ab\x00c".encode("utf-16-le")
    assert refused(write(tmp_path, "nul16.txt", data)).offset == 2 + 4
    odd = codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"x"
    assert refused(write(tmp_path, "odd16.txt", odd)).offset == 2 + 6
    lone = codecs.BOM_UTF16_BE + "ab".encode("utf-16-be") + b"\xdc\x00" + "c".encode("utf-16-be")
    assert refused(write(tmp_path, "surrogate16.txt", lone)).offset == 2 + 4


def test_tab_form_feed_and_escape_are_text(tmp_path):
    assert read_text(write(tmp_path, "ok.txt", b"a\tb\x0cc\x1b[0m\n")) == "a\tb\x0cc\x1b[0m\n"


def test_missing_file(tmp_path):
    err = refused(tmp_path / "no-such-file.txt")
    assert err.problem == "no such file"


def test_directory(tmp_path):
    err = refused(tmp_path)
    assert "directory" in err.problem


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="permissions are not enforced for root")
def test_unreadable_file(tmp_path):
    path = write(tmp_path, "secret.txt", b"text")
    path.chmod(0)
    try:
        assert refused(path).problem == "permission denied"
    finally:
        path.chmod(0o600)


def test_decode_names_the_source():
    with pytest.raises(InputError, match=r"^upload.txt \(byte 0\): not a text file"):
        decode(b"\x00", "upload.txt")


def test_read_lines_keeps_blank_lines_and_alignment(tmp_path):
    path = write(tmp_path, "lines.txt", b"one .\r\n\r\nthree &quot;3&quot; .\r\n")
    assert read_lines(path) == ["one .", "", "three &quot;3&quot; ."]
    assert read_lines(path, unescape=True) == ["one .", "", 'three "3" .']
    assert read_lines(write(tmp_path, "noeol.txt", b"a\nb")) == ["a", "b"]


def test_read_lines_on_iwslt(shared_dir):
    base = shared_dir / "data" / "iwslt15-en-vi"
    for name, count in (("tst2012", 1553), ("tst2013", 1268)):
        en = read_lines(base / f"{name}.en", unescape=True)
        vi = read_lines(base / f"{name}.vi", unescape=True)
        assert len(en) == len(vi) == count
        assert not any("&quot;" in line or "&apos;" in line for line in en + vi)
    raw = read_lines(base / "tst2012.en")
    assert any("&quot;" in line for line in raw)
