"""Downloads over real loopback HTTP: origins, resume, truncation, disk errors, fresh links."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from reelwatch.api.snapshot import parse_snapshot
from reelwatch.engine.downloads import Downloader, file_name_for
from reelwatch.engine.secrets import ENV_VAR, KeyStore
from reelwatch.engine.session import Session, SessionConfig
from reelwatch.engine.tracker import DownloadState
from tests.fakeapi import (
    FakeApi,
    FakeFileHost,
    Response,
    error_step,
    json_step,
    openai_video,
    raw_step,
    truncated_step,
)
from tests.fakeapi import Request as ServerRequest

KEY = "sk-download-test"
VIDEO = bytes(range(256)) * 2000  # 512,000 bytes


def completed(task_id: str, url: str | None) -> dict:
    return openai_video(task_id, "completed", 100, video_url=url)


async def fetch(api: FakeApi, task_id: str, body: dict, folder: Path) -> tuple[Session, object]:
    session = Session(KeyStore(environ={ENV_VAR: KEY}), SessionConfig(download_dir=folder))
    session.tracker.add([task_id], api.base_url)
    key = (api.base_url, task_id)
    session.tracker.set_snapshot(key, parse_snapshot(body))
    await session.downloader.wait_idle()
    record = session.tracker.get(key)
    await session.aclose()
    return session, record


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, 30))


def test_video_url_on_another_origin_gets_no_key(tmp_path) -> None:
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        _, record = run(fetch(api, "video_dl0001", completed("video_dl0001", files.url), tmp_path))
        assert record.download is DownloadState.DONE
        assert Path(record.file).read_bytes() == VIDEO
        assert all("authorization" not in r.headers for r in files.requests)


def test_video_url_on_the_api_origin_gets_the_key(tmp_path) -> None:
    with FakeApi() as api:
        api.script_path("/files/own.mp4", [raw_step(VIDEO, 200, "video/mp4")])
        url = f"{api.base_url}/files/own.mp4"
        _, record = run(fetch(api, "video_dl0002", completed("video_dl0002", url), tmp_path))
        assert record.download is DownloadState.DONE
        request = next(r for r in api.requests if r.path == "/files/own.mp4")
        assert request.headers["authorization"] == f"Bearer {KEY}"


def test_redirect_to_another_origin_keeps_the_key_home(tmp_path) -> None:
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        api.script_content("video_dl0011", [raw_step(b"", 302, headers={"Location": files.url})])
        _, record = run(fetch(api, "video_dl0011", completed("video_dl0011", None), tmp_path))
        assert record.download is DownloadState.DONE, record.download_error
        assert Path(record.file).read_bytes() == VIDEO
        content = next(r for r in api.requests if r.path.endswith("/content"))
        assert content.headers["authorization"] == f"Bearer {KEY}"
        assert [r.path for r in files.requests] == ["/files/result.mp4"]
        assert "authorization" not in files.requests[0].headers


def test_downloads_honour_a_configured_proxy(tmp_path, monkeypatch) -> None:
    """With a proxy configured, downloads take httpx's own transport, which uses it."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with FakeApi() as api, FakeFileHost(VIDEO) as proxy:  # serves absolute-form requests too
        monkeypatch.setenv("HTTP_PROXY", proxy.base_url)
        url = "http://video-cdn.invalid/files/result.mp4"  # resolvable only by the "proxy"
        _, record = run(fetch(api, "video_dl0012", completed("video_dl0012", url), tmp_path))
    assert record.download is DownloadState.DONE, record.download_error
    assert Path(record.file).read_bytes() == VIDEO
    assert [r.path for r in proxy.requests] == ["/files/result.mp4"]


def test_content_route_json_is_followed_to_its_link(tmp_path) -> None:
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        api.script_content("video_dl0003", [json_step({"video_url": files.url})])
        _, record = run(fetch(api, "video_dl0003", completed("video_dl0003", None), tmp_path))
        assert record.download is DownloadState.DONE
        assert Path(record.file).read_bytes() == VIDEO


def test_dropped_transfer_resumes_with_a_range_request(tmp_path) -> None:
    calls: list[ServerRequest] = []

    def serve(request: ServerRequest) -> Response:
        from tests.fakeapi import file_response

        calls.append(request)
        response = file_response(request, VIDEO, "video/mp4")
        return truncated_step(response, 100_000) if len(calls) == 1 else response

    with FakeApi() as api:
        api.script_content("video_dl0004", [serve])
        _, record = run(fetch(api, "video_dl0004", completed("video_dl0004", None), tmp_path))
    assert record.download is DownloadState.DONE, record.download_error
    assert Path(record.file).read_bytes() == VIDEO
    assert calls[1].headers.get("range") == "bytes=100000-"
    assert not list(tmp_path.glob("*.part"))


def test_truncated_file_is_never_done(tmp_path) -> None:
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        files.drop_after = 1000
        api.script_content("video_dl0005", [error_step(404, "gone")])
        _, record = run(fetch(api, "video_dl0005", completed("video_dl0005", files.url), tmp_path))
    assert record.download is DownloadState.FAILED
    assert record.file is None
    assert not (tmp_path / "video_dl0005.mp4").exists()


def test_unwritable_folder_is_a_clear_error_and_the_task_is_kept(tmp_path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        session, record = run(
            fetch(api, "video_dl0006", completed("video_dl0006", files.url), blocker / "videos")
        )
    assert record.download is DownloadState.FAILED
    assert "could not be saved" in record.download_error or "not writable" in record.download_error
    assert session.tracker.get(record.key) is record


def test_expired_link_is_replaced_by_a_fresh_one(tmp_path) -> None:
    with FakeApi() as api, FakeFileHost(VIDEO) as files, FakeFileHost(b"") as stale:
        stale.fail_status = 403
        api.script("video_dl0007", [json_step(completed("video_dl0007", files.url))])
        _, record = run(fetch(api, "video_dl0007", completed("video_dl0007", stale.url), tmp_path))
    assert record.download is DownloadState.DONE
    assert record.snapshot.video_url == files.url


def test_existing_identical_file_is_not_fetched_again(tmp_path) -> None:
    (tmp_path / "video_dl0008.mp4").write_bytes(VIDEO)
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        _, record = run(fetch(api, "video_dl0008", completed("video_dl0008", files.url), tmp_path))
    assert record.download is DownloadState.DONE
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize(
    ("task_id", "name"),
    [
        ("video_abc", "video_abc.mp4"),
        ("sora-2:task_01k6", "sora-2_task_01k6-"),
        ("../../etc/passwd", "etc_passwd-"),
    ],
)
def test_file_names_are_safe_and_distinct(task_id: str, name: str) -> None:
    assert file_name_for(task_id).startswith(name)
    assert "/" not in file_name_for(task_id) and ":" not in file_name_for(task_id)
    assert file_name_for("sora-2:task_x") != file_name_for("sora-2_task_x")


def test_downloader_ignores_unfinished_tasks(tmp_path) -> None:
    async def go():
        session = Session(KeyStore(environ={}), SessionConfig(download_dir=tmp_path))
        session.tracker.add(["video_running1"], "https://api.example.com")
        key = ("https://api.example.com", "video_running1")
        session.tracker.set_snapshot(
            key, parse_snapshot(openai_video("video_running1", "in_progress", 5))
        )
        assert not session.downloader.wants(session.tracker.get(key))
        await session.aclose()

    run(go())
    assert isinstance(Downloader, type)


def test_server_ignoring_range_starts_over(tmp_path) -> None:
    calls: list[ServerRequest] = []

    def serve(request: ServerRequest) -> Response:
        calls.append(request)
        whole = raw_step(VIDEO, 200, "video/mp4")  # never 206, whatever Range says
        return truncated_step(whole, 70_000) if len(calls) == 1 else whole

    with FakeApi() as api:
        api.script_content("video_dl0009", [serve])
        _, record = run(fetch(api, "video_dl0009", completed("video_dl0009", None), tmp_path))
    assert record.download is DownloadState.DONE, record.download_error
    assert calls[1].headers.get("range") == "bytes=70000-"
    assert Path(record.file).read_bytes() == VIDEO  # rewritten from the start, not appended


def test_full_disk_is_a_clear_error_and_removes_the_part_file(tmp_path, monkeypatch) -> None:
    import errno
    import io

    real_open = Path.open

    class FullDisk(io.RawIOBase):
        def __init__(self, path: Path) -> None:
            self._file = real_open(path, "wb")
            self._written = 0

        def write(self, data) -> int:
            self._written += len(data)
            if self._written > 50_000:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self._file.write(data)

        def close(self) -> None:
            self._file.close()
            super().close()

    def fake_open(self: Path, mode: str = "r", *args, **kwargs):
        if self.name.endswith(".part") and "b" in mode and ("w" in mode or "a" in mode):
            return FullDisk(self)
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", fake_open)
    with FakeApi() as api, FakeFileHost(VIDEO) as files:
        session, record = run(
            fetch(api, "video_dl0010", completed("video_dl0010", files.url), tmp_path)
        )
    assert record.download is DownloadState.FAILED
    assert "disk is full" in record.download_error
    assert not list(tmp_path.glob("*.part"))
    assert session.tracker.get(record.key) is record  # the task is kept
