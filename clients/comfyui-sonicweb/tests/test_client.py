"""Tests of the SonicWeb nodes' HTTP client against a running SonicWeb (not ComfyUI itself).

Needs SONICWEB_URL, SONICWEB_API_KEY, SONICWEB_TEST_IMAGE and SONICWEB_TEST_AUDIO; SonicWeb's test
suite (ComfyNodeClientTests) starts the app and sets them. Without them every test is skipped.
"""

import os
import struct
import sys
import tempfile
import unittest
import wave
from unittest import mock
import zlib

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import media  # noqa: E402
import nodes  # noqa: E402
from sonicweb_client import SonicWebClient, SonicWebError  # noqa: E402

URL = os.environ.get("SONICWEB_URL")
KEY = os.environ.get("SONICWEB_API_KEY")
IMAGE = os.environ.get("SONICWEB_TEST_IMAGE")
AUDIO = os.environ.get("SONICWEB_TEST_AUDIO")
LIVE = all([URL, KEY, IMAGE, AUDIO])


class FakeTensor:
    """Stands in for a torch tensor: the nodes only call .tolist()."""

    def __init__(self, values):
        self.values = values

    def tolist(self):
        return self.values


def is_mp4(path):
    with open(path, "rb") as f:
        head = f.read(12)
    return head[4:8] == b"ftyp"


class MediaTests(unittest.TestCase):
    def test_image_tensor_becomes_a_png_with_its_pixels(self):
        image = FakeTensor([[[[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [[0.0, 0.0, 1.0], [0.5, 0.5, 0.5]]]])  # 1 x 2 x 2 x 3
        with tempfile.TemporaryDirectory() as d:
            path = media.write_png(image, os.path.join(d, "p.png"))
            with open(path, "rb") as f:
                data = f.read()
        self.assertEqual(data[:8], b"\x89PNG\r\n\x1a\n")
        width, height = struct.unpack(">II", data[16:24])
        self.assertEqual((width, height), (2, 2))
        idat = data.index(b"IDAT")
        length = struct.unpack(">I", data[idat - 4:idat])[0]
        raw = zlib.decompress(data[idat + 4:idat + 4 + length])
        self.assertEqual(raw, bytes([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 128, 128, 128]))

    def test_audio_tensor_becomes_a_wav_with_its_samples(self):
        audio = {"waveform": FakeTensor([[[0.0, 0.5, -0.5, 1.0]]]), "sample_rate": 16000}
        with tempfile.TemporaryDirectory() as d:
            path = media.write_wav(audio, os.path.join(d, "v.wav"))
            with wave.open(path) as w:
                self.assertEqual((w.getnchannels(), w.getframerate(), w.getnframes()), (1, 16000, 4))
                self.assertEqual(struct.unpack("<4h", w.readframes(4)), (0, 16384, -16384, 32767))


@unittest.skipUnless(LIVE, "set SONICWEB_URL, SONICWEB_API_KEY, SONICWEB_TEST_IMAGE, SONICWEB_TEST_AUDIO")
class LiveClientTests(unittest.TestCase):
    def test_generate_node_submits_waits_with_progress_and_returns_the_video_path(self):
        seen = []
        video_path, job_id = nodes.SonicWebGenerate().generate(
            URL, KEY, min_resolution=256, inference_steps=20, dynamic_scale=1.1, seed=5, crop="face", poll_seconds=0.2,
            image_path=IMAGE, audio_path=AUDIO, name="from the node", on_progress=lambda done, total, job: seen.append((done, total)))
        self.assertTrue(os.path.isfile(video_path), video_path)
        self.assertTrue(is_mp4(video_path))
        self.assertGreater(os.path.getsize(video_path), 1000)
        self.assertTrue(seen, "progress was reported")
        done = [d for d, _ in seen]
        self.assertEqual(done, sorted(done), "frames done never go backwards")
        self.assertEqual(seen[-1][0], seen[-1][1], "the last report is all frames done")
        job = SonicWebClient(URL, KEY).job(job_id)
        self.assertEqual(job["status"], "Succeeded")
        self.assertEqual(job["name"], "from the node")

    def test_nodes_take_comfyui_image_and_audio_values(self):
        # A flat grey picture has no face: SonicWeb refuses it with its own code and message.
        grey = FakeTensor([[[[0.5, 0.5, 0.5]] * 256] * 256])
        with wave.open(AUDIO) as w:
            rate, frames = w.getframerate(), w.readframes(w.getnframes())
        samples = [s / 32768 for s in struct.unpack("<%dh" % (len(frames) // 2), frames)] if len(frames) else []
        audio = {"waveform": FakeTensor([[samples]]), "sample_rate": rate}
        with self.assertRaises(SonicWebError) as refused:
            nodes.SonicWebSubmit().submit(URL, KEY, 256, 20, 1.1, -1, "face", image=grey, audio=audio)
        self.assertEqual(refused.exception.status, 422)
        self.assertIn("face", refused.exception.message.lower())

    def test_a_missing_key_and_a_wrong_key_are_clear(self):
        with mock.patch.dict(os.environ, {"SONICWEB_API_KEY": ""}), self.assertRaises(ValueError):
            nodes.SonicWebSubmit().submit(URL, "", 256, 20, 1.1, -1, "face", image_path=IMAGE, audio_path=AUDIO)
        with self.assertRaises(SonicWebError) as refused:
            SonicWebClient(URL, "swk_not-a-key").submit(IMAGE, AUDIO, {"min_resolution": 256})
        self.assertEqual(refused.exception.status, 401)

    def test_a_bad_parameter_is_refused_with_its_limit(self):
        with self.assertRaises(SonicWebError) as refused:
            SonicWebClient(URL, KEY).submit(IMAGE, AUDIO, {"min_resolution": 99999})
        self.assertEqual(refused.exception.status, 400)
        self.assertIn("min_resolution", refused.exception.message)


if __name__ == "__main__":
    unittest.main()
