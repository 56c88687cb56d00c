namespace SonicWeb.Tests.Engine.Media;

/// <summary>
/// ffprobe 5.1 output captured from real files (-show_format -show_streams -of json; the long
/// "disposition" blocks removed for length). Made with: espeak-ng speech -> AAC in M4A; a 64x48 JPEG;
/// an H.264 MP4 remuxed with -metadata:s:v:0 rotate=90 (display-matrix side data).
/// </summary>
internal static class CapturedFfprobe
{
    public const string SpeechM4a = """
{
 "streams": [
  {
   "index": 0,
   "codec_name": "aac",
   "codec_long_name": "AAC (Advanced Audio Coding)",
   "profile": "LC",
   "codec_type": "audio",
   "codec_tag_string": "mp4a",
   "codec_tag": "0x6134706d",
   "sample_fmt": "fltp",
   "sample_rate": "22050",
   "channels": 1,
   "channel_layout": "mono",
   "bits_per_sample": 0,
   "id": "0x1",
   "r_frame_rate": "0/0",
   "avg_frame_rate": "0/0",
   "time_base": "1/22050",
   "start_pts": 0,
   "start_time": "0.000000",
   "duration_ts": 37882,
   "duration": "1.718005",
   "bit_rate": "53316",
   "nb_frames": "38",
   "extradata_size": 5,
   "tags": {
    "language": "und",
    "handler_name": "SoundHandler",
    "vendor_id": "[0][0][0][0]"
   }
  }
 ],
 "format": {
  "filename": "speech.m4a",
  "nb_streams": 1,
  "nb_programs": 0,
  "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
  "format_long_name": "QuickTime / MOV",
  "start_time": "0.000000",
  "duration": "1.719000",
  "size": "12712",
  "bit_rate": "59159",
  "probe_score": 100,
  "tags": {
   "major_brand": "M4A ",
   "minor_version": "512",
   "compatible_brands": "M4A isomiso2",
   "encoder": "Lavf59.27.100"
  }
 }
}
""";

    public const string SmallJpeg = """
{
 "streams": [
  {
   "index": 0,
   "codec_name": "mjpeg",
   "codec_long_name": "Motion JPEG",
   "profile": "Baseline",
   "codec_type": "video",
   "codec_tag_string": "[0][0][0][0]",
   "codec_tag": "0x0000",
   "width": 64,
   "height": 48,
   "coded_width": 64,
   "coded_height": 48,
   "closed_captions": 0,
   "film_grain": 0,
   "has_b_frames": 0,
   "sample_aspect_ratio": "3:4",
   "display_aspect_ratio": "1:1",
   "pix_fmt": "yuvj444p",
   "level": -99,
   "color_range": "pc",
   "color_space": "bt470bg",
   "chroma_location": "center",
   "refs": 1,
   "r_frame_rate": "25/1",
   "avg_frame_rate": "25/1",
   "time_base": "1/25",
   "start_pts": 0,
   "start_time": "0.000000",
   "duration_ts": 1,
   "duration": "0.040000",
   "bits_per_raw_sample": "8"
  }
 ],
 "format": {
  "filename": "img.jpg",
  "nb_streams": 1,
  "nb_programs": 0,
  "format_name": "image2",
  "format_long_name": "image2 sequence",
  "start_time": "0.000000",
  "duration": "0.040000",
  "size": "5659",
  "bit_rate": "1131800",
  "probe_score": 50
 }
}
""";

    public const string RotatedMp4 = """
{
 "streams": [
  {
   "index": 0,
   "codec_name": "h264",
   "codec_long_name": "H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10",
   "profile": "High",
   "codec_type": "video",
   "codec_tag_string": "avc1",
   "codec_tag": "0x31637661",
   "width": 64,
   "height": 48,
   "coded_width": 64,
   "coded_height": 48,
   "closed_captions": 0,
   "film_grain": 0,
   "has_b_frames": 2,
   "sample_aspect_ratio": "1:1",
   "display_aspect_ratio": "4:3",
   "pix_fmt": "yuv420p",
   "level": 10,
   "chroma_location": "left",
   "field_order": "progressive",
   "refs": 1,
   "is_avc": "true",
   "nal_length_size": "4",
   "id": "0x1",
   "r_frame_rate": "25/1",
   "avg_frame_rate": "25/1",
   "time_base": "1/12800",
   "start_pts": 0,
   "start_time": "0.000000",
   "duration_ts": 5120,
   "duration": "0.400000",
   "bit_rate": "30740",
   "bits_per_raw_sample": "8",
   "nb_frames": "10",
   "extradata_size": 45,
   "tags": {
    "language": "und",
    "handler_name": "VideoHandler",
    "vendor_id": "[0][0][0][0]",
    "encoder": "Lavc59.37.100 libx264"
   },
   "side_data_list": [
    {
     "side_data_type": "Display Matrix",
     "displaymatrix": "\n00000000:            0      -65536           0\n00000001:        65536           0           0\n00000002:            0           0  1073741824\n",
     "rotation": 90
    }
   ]
  }
 ],
 "format": {
  "filename": "rot2.mp4",
  "nb_streams": 1,
  "nb_programs": 0,
  "format_name": "mov,mp4,m4a,3gp,3g2,mj2",
  "format_long_name": "QuickTime / MOV",
  "start_time": "0.000000",
  "duration": "0.400000",
  "size": "2531",
  "bit_rate": "50620",
  "probe_score": 100,
  "tags": {
   "major_brand": "isom",
   "minor_version": "512",
   "compatible_brands": "isomiso2avc1mp41",
   "encoder": "Lavf59.27.100"
  }
 }
}
""";
}
