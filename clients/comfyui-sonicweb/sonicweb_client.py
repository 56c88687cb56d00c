"""A small client for SonicWeb's REST API, in the Python standard library only.

Submits a portrait photo and a voice recording (POST /api/jobs), follows the job (GET /api/jobs/{id})
until it ends, and downloads the video through its signed link (no key needed for that link).
Every call but the download sends the API key in the X-Api-Key header.
"""

import json
import mimetypes
import os
import time
import urllib.error
import urllib.request
import uuid

FINAL_STATUSES = ("Succeeded", "Failed", "Cancelled")


class SonicWebError(Exception):
    """A refusal or failure, with the HTTP status, SonicWeb's stable code and its message."""

    def __init__(self, status, code, message):
        super().__init__(f"SonicWeb answered {status} ({code}): {message}")
        self.status = status
        self.code = code
        self.message = message


class SonicWebClient:
    def __init__(self, base_url, api_key, timeout=120):
        if not base_url:
            raise ValueError("base_url is empty; give SonicWeb's address, e.g. http://localhost:5000")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout

    # -- calls -------------------------------------------------------------------------------

    def submit(self, image_path, audio_path, parameters=None, name=None, callback_url=None):
        """Queues a job; returns it as GET /api/jobs/{id} shows it (status Queued, Checking, ...)."""
        fields = {key: _form_value(value) for key, value in (parameters or {}).items() if value is not None}
        if name:
            fields["name"] = name
        if callback_url:
            fields["callback_url"] = callback_url
        files = {"image": image_path, "audio": audio_path}
        body, content_type = _multipart(fields, files)
        return self._json("POST", "/api/jobs", body, {"Content-Type": content_type})

    def job(self, job_id):
        return self._json("GET", f"/api/jobs/{job_id}")

    def cancel(self, job_id):
        return self._json("POST", f"/api/jobs/{job_id}/cancel", b"")

    def wait(self, job_id, on_progress=None, poll_seconds=1.0, timeout=None):
        """Polls until the job ends; on_progress(frames_done, frames_total, job) after every poll.
        Returns the final job; raises SonicWebError if it failed or was cancelled."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if on_progress is not None:
                on_progress(job.get("framesDone", 0), job.get("framesTotal", 0), job)
            status = job.get("status")
            if status in FINAL_STATUSES:
                if status != "Succeeded":
                    error = job.get("error") or {}
                    raise SonicWebError(200, error.get("code", status.lower()), error.get("message", f"the job {status.lower()}"))
                return job
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} is still {status} after {timeout} s")
            time.sleep(poll_seconds)

    def download_video(self, job, directory, file_name=None):
        """Saves the finished job's video through its signed link; returns the file's path."""
        url = (job.get("signedLinks") or {}).get("video")
        if not url:  # an answer without signed links: ask again, the job's answer carries them
            url = self.job(job["id"])["signedLinks"]["video"]
        os.makedirs(directory, exist_ok=True)
        path = os.path.join(directory, file_name or f"sonicweb-{job['id']}.mp4")
        request = urllib.request.Request(url, method="GET")  # signed: no key, no cookie
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response, open(path, "wb") as out:
                while True:
                    chunk = response.read(1 << 16)
                    if not chunk:
                        break
                    out.write(chunk)
        except urllib.error.HTTPError as e:
            raise _error_from(e) from None
        return path

    def generate(self, image_path, audio_path, directory, parameters=None, name=None, on_progress=None, poll_seconds=1.0, timeout=None):
        """Submit, wait and download in one call; returns (video path, final job)."""
        job = self.submit(image_path, audio_path, parameters, name)
        job = self.wait(job["id"], on_progress, poll_seconds, timeout)
        return self.download_video(job, directory), job

    # -- plumbing ----------------------------------------------------------------------------

    def _json(self, method, path, body=None, headers=None):
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        request.add_header("X-Api-Key", self.api_key)
        request.add_header("Accept", "application/json")
        for key, value in (headers or {}).items():
            request.add_header(key, value)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as e:
            raise _error_from(e) from None


def _error_from(http_error):
    """SonicWeb's refusals are ProblemDetails: detail names the problem and the limit, code is stable."""
    try:
        problem = json.loads(http_error.read().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        problem = {}
    return SonicWebError(http_error.code, problem.get("code", "http_%d" % http_error.code),
                         problem.get("detail") or problem.get("title") or str(http_error.reason))


def _form_value(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _multipart(fields, files):
    boundary = "----sonicweb" + uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n').encode("utf-8"))
        parts.append(value.encode("utf-8") + b"\r\n")
    for name, path in files.items():
        if path is None:
            continue
        file_name = os.path.basename(path).replace('"', "_")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        parts.append((f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{file_name}"\r\n'
                      f"Content-Type: {content_type}\r\n\r\n").encode("utf-8"))
        with open(path, "rb") as f:
            parts.append(f.read() + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode("utf-8"))
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
