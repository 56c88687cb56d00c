"""ComfyUI's IMAGE and AUDIO values written as files, with the standard library only (zlib, struct, wave).

ComfyUI passes an IMAGE as a tensor [batch, height, width, channels] of floats 0..1 and AUDIO as
{"waveform": tensor [batch, channels, samples] of floats -1..1, "sample_rate": int}. Only the tensor's
own .tolist() is used, so this module imports nothing outside the standard library.
"""

import struct
import wave
import zlib


def _as_list(value):
    return value.tolist() if hasattr(value, "tolist") else value


def write_png(image, path):
    """Writes the first picture of an IMAGE batch as an 8-bit RGB PNG."""
    rows = _as_list(image)
    if rows and isinstance(rows[0], list) and rows[0] and isinstance(rows[0][0], list) and rows[0][0] and isinstance(rows[0][0][0], list):
        rows = rows[0]  # [batch, h, w, c] -> first picture
    height, width = len(rows), len(rows[0])
    raw = bytearray()
    for row in rows:
        raw.append(0)  # filter: none
        for pixel in row:
            channels = pixel if isinstance(pixel, list) else [pixel] * 3
            if len(channels) == 1:
                channels = channels * 3
            for c in channels[:3]:
                raw.append(max(0, min(255, int(round(float(c) * 255)))))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(bytes(raw), 6)))
        f.write(chunk(b"IEND", b""))
    return path


def write_wav(audio, path):
    """Writes the first clip of an AUDIO batch as 16-bit PCM WAV."""
    waveform = _as_list(audio["waveform"])
    if waveform and isinstance(waveform[0], list) and waveform[0] and isinstance(waveform[0][0], list):
        waveform = waveform[0]  # [batch, channels, samples] -> first clip
    if waveform and not isinstance(waveform[0], list):
        waveform = [waveform]  # one channel given as a flat list
    channels, samples = len(waveform), len(waveform[0])
    frames = bytearray()
    for i in range(samples):
        for ch in range(channels):
            frames += struct.pack("<h", max(-32768, min(32767, int(round(float(waveform[ch][i]) * 32767)))))
    with wave.open(path, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(int(audio["sample_rate"]))
        w.writeframes(bytes(frames))
    return path
