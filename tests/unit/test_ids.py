"""Id extraction from pasted text, and ids as URL path segments."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelwatch.api.ids import MAX_TEXT_CHARS, InputTooLargeError, extract_ids, quote_task_id

GATEWAY = "sora-2:task_01k6x15vhrff09dkkqjrzwhm60"
INNER = "task_01k6x15vhrff09dkkqjrzwhm60"
UUID_FORM = "video_5c6a605a-30c0-4a6a-9dbd-d1d6cfdd9980"
HEX_FORM = "video_6984d77f318481908e9ff63f81a7ffe6"
NEW_API = "task_" + "a1B2c3D4" * 4


def test_known_forms_anywhere_in_free_text() -> None:
    text = (
        f"submitted {GATEWAY}, then {UUID_FORM}.\n"
        f"curl https://api.chainhub.tech/v1/videos/{HEX_FORM} -H 'x'\n"
        f'{{"id": "{NEW_API}", "status": "queued"}}\n'
        "veo-3.1:task_01abcdefghjkmnpqrstvwxyz01 done"
    )
    assert extract_ids(text).ids == [
        GATEWAY,
        UUID_FORM,
        HEX_FORM,
        NEW_API,
        "veo-3.1:task_01abcdefghjkmnpqrstvwxyz01",
    ]


def test_duplicates_dropped_order_kept() -> None:
    text = f"{UUID_FORM}\n{GATEWAY}\n{UUID_FORM} again\n{GATEWAY}"
    assert extract_ids(text).ids == [UUID_FORM, GATEWAY]


def test_inner_form_of_a_gateway_id_is_the_same_task() -> None:
    # A pasted gateway answer holds both forms; they name one task.
    assert extract_ids(f'"id": "{GATEWAY}", "detail": {{"id": "{INNER}"}}').ids == [GATEWAY]
    assert extract_ids(f"{INNER}\n{GATEWAY}").ids == [GATEWAY]
    assert extract_ids(INNER).ids == [INNER]


def test_lone_token_on_its_line_is_an_id() -> None:
    result = extract_ids("  abc-123_x.y  \ngen:0042\nnot an id here\n\n---\nab\n")
    assert result.ids == ["abc-123_x.y", "gen:0042"]
    assert [number for number, _ in result.ignored] == [3, 5, 6]


def test_token_length_limits() -> None:
    assert extract_ids("abc").ids == []
    assert extract_ids("a" * 200).ids == ["a" * 200]
    assert extract_ids("a" * 201).ids == []


def test_ids_are_not_pulled_out_of_longer_words() -> None:
    assert extract_ids("mytask_01k6x15vhrff09dkkqjrzwhm60x y").ids == []
    assert extract_ids("upload_media_id: media_01k6x15tnzezbst05sth2qgd8r z").ids == []


@pytest.mark.parametrize(
    "junk", ["a/b/c", "../../etc", "id with space", "bad%2Fid", "tab\tid", "nul\x00id"]
)
def test_unsafe_lines_are_ignored(junk: str) -> None:
    result = extract_ids(junk)
    assert result.ids == []
    assert len(result.ignored) == 1


def test_ignored_lines_are_shortened_and_printable() -> None:
    result = extract_ids("x " * 200 + "\n\x07bell line here")
    assert len(result.ignored[0][1]) <= 80
    assert result.ignored[1][1].isprintable()


def test_huge_input_is_refused_quickly() -> None:
    with pytest.raises(InputTooLargeError, match="too large"):
        extract_ids("x" * (MAX_TEXT_CHARS + 1))


def test_ten_thousand_ids() -> None:
    ids = [f"task_{i:026d}" for i in range(10_000)]
    assert extract_ids("\n".join(ids)).ids == ids


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_extraction_never_fails_and_yields_safe_ids(text: str) -> None:
    for task_id in extract_ids(text).ids:
        assert 4 <= len(task_id) <= 200
        assert all(ch.isascii() and (ch.isalnum() or ch in "._:-") for ch in task_id)


@pytest.mark.parametrize(
    ("task_id", "segment"),
    [
        (GATEWAY, GATEWAY),
        ("a/b", "a%2Fb"),
        ("a b%", "a%20b%25"),
        ("..", "%2E%2E"),
        ("x?y#z", "x%3Fy%23z"),
        ("ünï", "%C3%BCn%C3%AF"),
    ],
)
def test_quote_task_id_never_changes_the_path(task_id: str, segment: str) -> None:
    assert quote_task_id(task_id) == segment


def test_quote_rejects_empty() -> None:
    with pytest.raises(ValueError):
        quote_task_id("")
