"""ComfyUI nodes that make talking-head videos on a SonicWeb server.

SonicWeb Generate: photo (IMAGE or a file path) + voice (AUDIO or a file path) + parameters -> submits,
waits with ComfyUI's progress bar following the frames, downloads the MP4 into ComfyUI's output folder
and returns its path. SonicWeb Submit + SonicWeb Wait do the same in two steps (returning the job id in
between). The server's address and API key come from the node's fields or from the environment
(SONICWEB_URL, SONICWEB_API_KEY).
"""

import os
import tempfile

try:
    from .sonicweb_client import SonicWebClient
    from .media import write_png, write_wav
except ImportError:  # loaded as plain modules (the tests)
    from sonicweb_client import SonicWebClient
    from media import write_png, write_wav

CATEGORY = "SonicWeb"
CROPS = ["face", "full"]  # SonicWeb's crop modes


def _client(server_url, api_key):
    url = server_url or os.environ.get("SONICWEB_URL", "")
    key = api_key or os.environ.get("SONICWEB_API_KEY", "")
    if not key:
        raise ValueError("No SonicWeb API key: fill 'api_key' or set SONICWEB_API_KEY (create one under Account settings in SonicWeb).")
    return SonicWebClient(url, key)


def _output_dir():
    try:
        import folder_paths  # ComfyUI's own module, present when running inside ComfyUI
        return os.path.join(folder_paths.get_output_directory(), "sonicweb")
    except ImportError:
        return os.path.join(tempfile.gettempdir(), "sonicweb")


def _progress(total_hint=100):
    """ComfyUI's progress bar when inside ComfyUI, else nothing; returns on_progress(done, total, job)."""
    try:
        import comfy.utils
    except ImportError:
        return None
    bar = {"bar": None, "total": 0}

    def update(done, total, job):
        if total and total != bar["total"]:
            bar["bar"], bar["total"] = comfy.utils.ProgressBar(total), total
        if bar["bar"] is not None:
            bar["bar"].update_absolute(done, bar["total"])
    return update


def _inputs(image, audio, image_path, audio_path, folder):
    """Files for the upload: the given paths, else ComfyUI's IMAGE/AUDIO written as PNG/WAV."""
    if not image_path:
        if image is None:
            raise ValueError("Give a photo: connect an IMAGE or fill 'image_path'.")
        image_path = write_png(image, os.path.join(folder, "photo.png"))
    if not audio_path:
        if audio is None:
            raise ValueError("Give a voice recording: connect an AUDIO or fill 'audio_path'.")
        audio_path = write_wav(audio, os.path.join(folder, "voice.wav"))
    return image_path, audio_path


def _parameters(min_resolution, inference_steps, dynamic_scale, seed, crop):
    return {"min_resolution": min_resolution, "inference_steps": inference_steps, "dynamic_scale": dynamic_scale,
            "seed": seed if seed >= 0 else None, "crop": crop}


class SonicWebSubmit:
    CATEGORY = CATEGORY
    RETURN_TYPES = ("STRING",)
    RETURN_NAMES = ("job_id",)
    FUNCTION = "submit"

    @classmethod
    def INPUT_TYPES(cls):
        return {
            "required": {
                "server_url": ("STRING", {"default": "http://localhost:5000"}),
                "api_key": ("STRING", {"default": ""}),
                "min_resolution": ("INT", {"default": 512, "min": 256, "max": 2048, "step": 16}),
                "inference_steps": ("INT", {"default": 20, "min": 1, "max": 100}),
                "dynamic_scale": ("FLOAT", {"default": 1.1, "min": 0.0, "max": 3.0, "step": 0.05}),
                "seed": ("INT", {"default": -1, "min": -1, "max": 2147483647}),
                "crop": (CROPS, {"default": "face"}),
            },
            "optional": {
                "image": ("IMAGE",),
                "audio": ("AUDIO",),
                "image_path": ("STRING", {"default": ""}),
                "audio_path": ("STRING", {"default": ""}),
                "name": ("STRING", {"default": "ComfyUI"}),
            },
        }

    def submit(self, server_url, api_key, min_resolution, inference_steps, dynamic_scale, seed, crop,
               image=None, audio=None, image_path="", audio_path="", name="ComfyUI"):
        client = _client(server_url, api_key)
        with tempfile.TemporaryDirectory(prefix="sonicweb-") as folder:
            photo, voice = _inputs(image, audio, image_path, audio_path, folder)
            job = client.submit(photo, voice, _parameters(min_resolution, inference_steps, dynamic_scale, seed, crop), name=name)
        return (job["id"],)


class SonicWebWait:
    CATEGORY = CATEGORY
    RETURN_TYPES = ("STRING", "STRING")
    RETURN_NAMES = ("video_path", "job_id")
    FUNCTION = "wait"
    OUTPUT_NODE = True

    @classmethod
    def INPUT_TYPES(cls):
        return {"required": {
            "server_url": ("STRING", {"default": "http://localhost:5000"}),
            "api_key": ("STRING", {"default": ""}),
            "job_id": ("STRING", {"forceInput": True}),
            "poll_seconds": ("FLOAT", {"default": 1.0, "min": 0.2, "max": 30.0}),
        }}

    def wait(self, server_url, api_key, job_id, poll_seconds=1.0, on_progress=None):
        client = _client(server_url, api_key)
        job = client.wait(job_id, on_progress or _progress(), poll_seconds)
        return (client.download_video(job, _output_dir()), job_id)


class SonicWebGenerate:
    CATEGORY = CATEGORY
    RETURN_TYPES = ("STRING", "STRING")
    RETURN_NAMES = ("video_path", "job_id")
    FUNCTION = "generate"
    OUTPUT_NODE = True

    @classmethod
    def INPUT_TYPES(cls):
        types = SonicWebSubmit.INPUT_TYPES()
        types["required"]["poll_seconds"] = ("FLOAT", {"default": 1.0, "min": 0.2, "max": 30.0})
        return types

    def generate(self, server_url, api_key, min_resolution, inference_steps, dynamic_scale, seed, crop, poll_seconds=1.0,
                 image=None, audio=None, image_path="", audio_path="", name="ComfyUI", on_progress=None):
        (job_id,) = SonicWebSubmit().submit(server_url, api_key, min_resolution, inference_steps, dynamic_scale, seed, crop,
                                            image, audio, image_path, audio_path, name)
        return SonicWebWait().wait(server_url, api_key, job_id, poll_seconds, on_progress)


NODE_CLASS_MAPPINGS = {
    "SonicWebGenerate": SonicWebGenerate,
    "SonicWebSubmit": SonicWebSubmit,
    "SonicWebWait": SonicWebWait,
}

NODE_DISPLAY_NAME_MAPPINGS = {
    "SonicWebGenerate": "SonicWeb Generate (photo + voice -> video)",
    "SonicWebSubmit": "SonicWeb Submit",
    "SonicWebWait": "SonicWeb Wait for video",
}
