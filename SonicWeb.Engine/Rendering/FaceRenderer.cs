using System.Numerics;
using System.Runtime.Intrinsics;
using SonicWeb.Engine.Animation;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// Renders animated frames of one portrait. Backward mapping: for every output pixel we compute where
/// in the source photo it comes from (output -> crop -> head motion -> mouth/eyelid warps) and sample
/// there bilinearly; only the mouth interior is synthesised, blended with feathered edges, and a shut lid over an eye
/// without a skin band above it blends in a second sample (skin from below the eye, <see cref="EyelidWarp"/>).
/// <para>
/// Everything that depends only on the photo is computed once in the constructor (per-pixel head
/// weights, mouth and eye geometry tables); a frame costs a few multiply-adds per pixel plus one
/// bilinear sample. On each row, the columns outside the mouth and eye boxes (head motion only, most of
/// the frame) go through <see cref="PlainSpanSampler"/> (AVX2, bit-identical to the scalar path); only
/// the boxes run the per-pixel warps, the mouth box (about a third of the frame) eight pixels at a time
/// (<see cref="MouthWarp.Warp8"/>, also bit-identical). Rows are rendered in bands, in parallel on half the cores (see <see cref="BandWorkers"/>). Not thread-safe: one Render at a time per
/// instance (make one renderer per concurrent job).
/// </para>
/// </summary>
public sealed unsafe class FaceRenderer
{
    /// <summary>How much of the head's motion the far background/body follows (the rest stays still).</summary>
    private const float BodyFollow = 0.2f;
    /// <summary>Parallax of a turning/nodding head, as a fraction of face size per radian.</summary>
    private const float TurnParallax = 0.55f;

    private readonly RgbImage _source;
    private readonly FrameLayout _layout;
    private readonly int _width, _height;
    private readonly float _x0, _y0, _stepX, _stepY;   // output pixel -> source position (crop mapping)
    private readonly Vector2 _headCentre;
    private readonly float _faceSize;
    // Per output pixel, interleaved (head, turn), 16-bit fixed point (1/65535): the head weight (1 on
    // the head, BodyFollow far away) and the parallax weight of a turning head (nose moves most).
    // 4 bytes a pixel instead of 8 halves the memory traffic of the hot loop.
    private readonly ushort[] _weights;
    private const float WeightScale = PlainSpanSampler.WeightScale;
    private readonly MouthWarp _mouth;
    private readonly EyelidWarp _leftEye, _rightEye;
    private readonly RectF _mouthBounds, _eyesBounds;  // source regions the local warps can touch
    private readonly Action<int> _renderBand;
    private readonly IReadOnlyList<Vector2> _landmarkPoints = [];
    private readonly int _bandCount, _rowsPerBand;

    // Per-frame state, set by Render before the bands run.
    private FrameState _state;
    private byte* _destination;
    private int _destinationLength;
    private byte* _i420;             // non-null: each band is converted here right after it is drawn
    private byte[]? _rgbScratch;     // RenderI420's RGB rows (+32 bytes: the converter's vector loads read ahead)

    /// <param name="stillFaces">Other faces in the photo (source boxes): nothing moves there, not even by the body's follow.</param>
    public FaceRenderer(RgbImage source, FaceLandmarks landmarks, FrameLayout layout, IReadOnlyList<RectF>? stillFaces = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(landmarks);
        ArgumentNullException.ThrowIfNull(layout);
        if (landmarks.Points.Count != FaceLandmarks.Count)
            throw new ArgumentException($"Expected {FaceLandmarks.Count} landmarks, got {landmarks.Points.Count}.", nameof(landmarks));
        if (layout.Width <= 0 || layout.Height <= 0 || layout.SourceCrop.Width <= 0 || layout.SourceCrop.Height <= 0)
            throw new ArgumentException("The frame layout must have a positive size and crop.", nameof(layout));

        _source = source;
        _layout = layout;
        _width = layout.Width;
        _height = layout.Height;
        _stepX = layout.SourceCrop.Width / _width;
        _stepY = layout.SourceCrop.Height / _height;
        _x0 = layout.SourceCrop.X + 0.5f * _stepX - 0.5f; // pixel centres
        _y0 = layout.SourceCrop.Y + 0.5f * _stepY - 0.5f;

        var pts = landmarks.Points;
        Vector2 min = new(float.MaxValue), max = new(float.MinValue);
        foreach (var p in pts) { min = Vector2.Min(min, p); max = Vector2.Max(max, p); }
        _faceSize = MathF.Max(max.X - min.X, max.Y - min.Y);
        _headCentre = (min + max) / 2;

        _mouth = new MouthWarp(landmarks, MouthWarp.DetectTeeth(source, landmarks), source);
        EyelidWarp NewLeftEye(float? pairGate = null) => new(pts[36], pts[39], [pts[37], pts[38]], [pts[40], pts[41]], Mean(pts, 17, 21), source, pairGate);
        EyelidWarp NewRightEye(float? pairGate = null) => new(pts[45], pts[42], [pts[43], pts[44]], [pts[46], pts[47]], Mean(pts, 22, 26), source, pairGate);
        _leftEye = NewLeftEye();
        _rightEye = NewRightEye();
        // One face's eyes close alike: where one lid is filled, the other is filled too unless it has a clear skin band.
        if (_leftEye.FillsLid && !_rightEye.FillsLid) _rightEye = NewRightEye(EyelidWarp.PairGate);
        else if (_rightEye.FillsLid && !_leftEye.FillsLid) _leftEye = NewLeftEye(EyelidWarp.PairGate);

        _mouthBounds = _mouth.SourceBounds;
        var left = _leftEye.SourceBounds; var right = _rightEye.SourceBounds;
        float ex0 = MathF.Min(left.X, right.X), ey0 = MathF.Min(left.Y, right.Y);
        _eyesBounds = new RectF(ex0, ey0, MathF.Max(left.Right, right.Right) - ex0, MathF.Max(left.Bottom, right.Bottom) - ey0);

        _weights = new ushort[2 * _width * _height];
        _landmarkPoints = pts;
        FillHeadWeights(pts[30], stillFaces ?? []);

        // Even, so every band holds whole row pairs (one row of I420 chroma).
        _rowsPerBand = (Math.Max(8, _height / (Environment.ProcessorCount * 4)) + 1) & ~1;
        _bandCount = (_height + _rowsPerBand - 1) / _rowsPerBand;
        _renderBand = RenderBand;
    }

    /// <summary>
    /// Whether the mouth box goes through the AVX2 warp (<see cref="MouthWarp.Warp8"/>, bit-identical to the
    /// scalar warp); off only to compare the two in tests.
    /// </summary>
    internal bool VectorWarps { get; set; } = System.Runtime.Intrinsics.X86.Avx2.IsSupported;

    /// <summary>
    /// Threads that draw one frame's bands: half the cores, the other half being x264's, which takes about as much
    /// CPU per frame. On two cores that is one: measured on the shared 2-core machine, parallel bands cost 4-14 % more
    /// CPU per frame (medians) than drawing them in turn (idle workers spin while the other band's thread waits for a core),
    /// and x264 keeps both cores busy anyway.
    /// </summary>
    internal int BandWorkers { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>The eyes' lid warps (image-left, image-right), for tests.</summary>
    internal EyelidWarp LeftEye => _leftEye;
    internal EyelidWarp RightEye => _rightEye;

    public FrameLayout Layout => _layout;
    public int Width => _width;
    public int Height => _height;

    /// <summary>Bytes of one RGB24 output frame.</summary>
    public int FrameBytes => _width * _height * 3;

    /// <summary>Bytes of one I420 (yuv420p) output frame.</summary>
    public int I420FrameBytes => I420Converter.FrameBytes(_width, _height);

    /// <summary>Renders one frame (RGB24, rows top-down, no padding) into <paramref name="destinationRgb24"/>.</summary>
    public void Render(in FacePose pose, Span<byte> destinationRgb24)
    {
        if (destinationRgb24.Length < FrameBytes)
            throw new ArgumentException($"Destination holds {destinationRgb24.Length} bytes; a {_width}x{_height} RGB frame needs {FrameBytes}.", nameof(destinationRgb24));
        _state = FrameState.From(pose, this);
        fixed (byte* dst = destinationRgb24)
            RenderBands(dst, destinationRgb24.Length, null);
    }

    /// <summary>
    /// Renders one frame as planar YUV 4:2:0 (I420: Y, then U, then V; BT.601 limited range, see
    /// <see cref="I420Converter"/>), the format the encoder takes without converting. Each band of RGB rows
    /// is converted right after it is drawn, while it is still in the cache.
    /// </summary>
    public void RenderI420(in FacePose pose, Span<byte> destinationI420)
    {
        if (_width % 2 != 0 || _height % 2 != 0)
            throw new InvalidOperationException($"I420 needs an even frame size; this renderer makes {_width}x{_height}.");
        if (destinationI420.Length < I420FrameBytes)
            throw new ArgumentException($"Destination holds {destinationI420.Length} bytes; a {_width}x{_height} I420 frame needs {I420FrameBytes}.", nameof(destinationI420));
        _rgbScratch ??= new byte[FrameBytes + 32];
        _state = FrameState.From(pose, this);
        fixed (byte* rgb = _rgbScratch)
        fixed (byte* yuv = destinationI420)
            RenderBands(rgb, _rgbScratch.Length, yuv);
    }

    private void RenderBands(byte* rgb, int rgbLength, byte* i420)
    {
        _destination = rgb;
        _destinationLength = rgbLength;
        _i420 = i420;
        try
        {
            if (BandWorkers <= 1)
            {
                // On the caller's thread, in order: the bands stay in the cache for the conversion that follows.
                for (int band = 0; band < _bandCount; band++) _renderBand(band);
            }
            else
            {
                // With explicit options: the overload without them runs on the thread pool whatever scheduler the caller is on,
                // and a render on the engine's own threads (Engine:Nice, EngineThreads) must keep its bands there.
                Parallel.For(0, _bandCount, new ParallelOptions { TaskScheduler = TaskScheduler.Current, MaxDegreeOfParallelism = BandWorkers }, _renderBand);
            }
        }
        finally { _destination = null; _i420 = null; }
    }

    /// <summary>Per-frame constants: the head's inverse similarity as an affine function of (u, v).</summary>
    private readonly struct FrameState
    {
        public readonly float Du0, DuU, DuV, Dv0, DvU, DvV;  // head offset (source px) = D0 + DU*u + DV*v
        public readonly float TurnX, TurnY;                   // parallax offset at full turn weight
        public readonly MouthWarp.Pose Mouth;
        public readonly float Blink;
        public readonly PixelBox MouthBox, EyesBox;        // output pixels where the local warps may apply

        private FrameState(float du0, float duU, float duV, float dv0, float dvU, float dvV, float turnX, float turnY, MouthWarp.Pose mouth, float blink, FaceRenderer r)
        {
            Du0 = du0; DuU = duU; DuV = duV; Dv0 = dv0; DvU = dvU; DvV = dvV;
            TurnX = turnX; TurnY = turnY; Mouth = mouth; Blink = blink;
            // An output pixel p reads the warps at p + w*offset(p) - t*turn (weights w, t in [0, 1]); the offset is
            // affine in (u, v), so its largest size over a box of pixels is at one of the box's corners. Growing the
            // source regions by the largest offset over the whole frame gives boxes that surely hold every warped
            // pixel; the largest offset over such a box then gives a tighter one, as sure (a third fewer pixels
            // on the slow path at a typical head roll).
            float reachX = MathF.Abs(turnX) + 1, reachY = MathF.Abs(turnY) + 1;
            var frame = new PixelBox(0, 0, r._width, r._height);
            MouthBox = EyesBox = default;
            var (offsetX, offsetY) = MaxOffset(frame, du0, duU, duV, dv0, dvU, dvV);
            MouthBox = r.ToOutputBox(r._mouthBounds, offsetX + reachX, offsetY + reachY);
            (offsetX, offsetY) = MaxOffset(MouthBox, du0, duU, duV, dv0, dvU, dvV);
            MouthBox = r.ToOutputBox(r._mouthBounds, offsetX + reachX, offsetY + reachY);
            if (blink > 0)
            {
                (offsetX, offsetY) = MaxOffset(frame, du0, duU, duV, dv0, dvU, dvV);
                EyesBox = r.ToOutputBox(r._eyesBounds, offsetX + reachX, offsetY + reachY);
                (offsetX, offsetY) = MaxOffset(EyesBox, du0, duU, duV, dv0, dvU, dvV);
                EyesBox = r.ToOutputBox(r._eyesBounds, offsetX + reachX, offsetY + reachY);
            }
        }

        /// <summary>Largest |x| and |y| of the head offset over the pixels of <paramref name="box"/> (at its corners).</summary>
        private static (float X, float Y) MaxOffset(PixelBox box, float du0, float duU, float duV, float dv0, float dvU, float dvV)
        {
            float x = 0, y = 0;
            foreach (var (u, v) in new[] { (box.U0, box.V0), (box.U1, box.V0), (box.U0, box.V1), (box.U1, box.V1) })
            {
                x = MathF.Max(x, MathF.Abs(du0 + duU * u + duV * v));
                y = MathF.Max(y, MathF.Abs(dv0 + dvU * u + dvV * v));
            }
            return (x, y);
        }

        public static FrameState From(in FacePose pose, FaceRenderer r)
        {
            // Forward head motion: s -> c + t + A (s - c), A = scale * rotation(roll), where a turned or
            // tilted head looks very slightly smaller (cosine foreshortening).
            float scale = MathF.Sqrt(MathF.Cos(pose.Yaw) * MathF.Cos(pose.Pitch));
            scale = 1 - 0.3f * (1 - scale);
            float cos = MathF.Cos(pose.Roll), sin = MathF.Sin(pose.Roll);
            // Inverse: s = c + A^-1 (p - c - t); offset(p) = s - p = (A^-1 - I)(p - c) - A^-1 t.
            float i00 = cos / scale, i01 = sin / scale, i10 = -sin / scale, i11 = cos / scale;
            float tx = pose.ShiftX * r._faceSize, ty = pose.ShiftY * r._faceSize;
            float b00 = i00 - 1, b01 = i01, b10 = i10, b11 = i11 - 1;
            // p(u, v) = (x0 + u*stepX, y0 + v*stepY)
            float px = r._x0 - r._headCentre.X, py = r._y0 - r._headCentre.Y;
            float du0 = b00 * px + b01 * py - (i00 * tx + i01 * ty);
            float dv0 = b10 * px + b11 * py - (i10 * tx + i11 * ty);
            float turnX = TurnParallax * r._faceSize * MathF.Sin(pose.Yaw);
            float turnY = TurnParallax * r._faceSize * MathF.Sin(pose.Pitch);
            return new FrameState(du0, b00 * r._stepX, b01 * r._stepY, dv0, b10 * r._stepX, b11 * r._stepY,
                turnX, turnY, r._mouth.ForFrame(pose.MouthOpen, pose.MouthWidth, r._stepX, pose.MouthPress, pose.LipClosure), Math.Clamp(pose.Blink, 0, 1), r);
        }
    }

    /// <summary>A half-open rectangle of output pixels [U0, U1) x [V0, V1).</summary>
    private readonly record struct PixelBox(int U0, int V0, int U1, int V1);

    private PixelBox ToOutputBox(RectF source, float growX, float growY)
    {
        int u0 = (int)MathF.Floor((source.X - growX - _x0) / _stepX), u1 = (int)MathF.Ceiling((source.Right + growX - _x0) / _stepX) + 1;
        int v0 = (int)MathF.Floor((source.Y - growY - _y0) / _stepY), v1 = (int)MathF.Ceiling((source.Bottom + growY - _y0) / _stepY) + 1;
        return new PixelBox(Math.Clamp(u0, 0, _width), Math.Clamp(v0, 0, _height), Math.Clamp(u1, 0, _width), Math.Clamp(v1, 0, _height));
    }

    // Fully optimised from the first frame (no tier-0 code with un-inlined warp calls). Fields are
    // copied to locals: the JIT cannot keep them in registers across the byte* stores.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void RenderBand(int band)
    {
        int width = _width;
        int vStart = band * _rowsPerBand, vEnd = Math.Min(_height, vStart + _rowsPerBand);
        var s = _state;
        var mouth = _mouth;
        var mouthPose = s.Mouth;
        var leftEye = _leftEye; var rightEye = _rightEye;
        float x0 = _x0, y0 = _y0, stepX = _stepX, stepY = _stepY;
        float duU = s.DuU, dvU = s.DvU, turnX = s.TurnX, turnY = s.TurnY, blink = s.Blink;
        var mouthBox = s.MouthBox; var eyesBox = s.EyesBox;
        bool mouthActive = mouthPose.Drop > 0 || mouthPose.Width != 0 || mouthPose.Press > 0 || mouthPose.Closure > 0;
        int sw = _source.Width, sh = _source.Height;
        byte* destination = _destination;
        bool vectorWarps = VectorWarps;
        fixed (byte* src = _source.Pixels)
        fixed (ushort* weights = _weights)
        {
            var sampler = new PlainSpanSampler.Sampler8(src, sw, sh);
            for (int v = vStart; v < vEnd; v++)
            {
                byte* rowDst = destination + (long)v * width * 3;
                ushort* rowWeights = weights + 2 * v * width;
                float baseY = y0 + v * stepY;
                float rowDu = s.Du0 + s.DuV * v, rowDv = s.Dv0 + s.DvV * v;
                var row = new PlainSpanSampler.Row(x0, stepX, baseY, rowDu, duU, rowDv, dvU, turnX, turnY);
                // Columns where the mouth / eyes warps may apply on this row (empty ranges elsewhere).
                bool mouthRow = mouthActive && v >= mouthBox.V0 && v < mouthBox.V1, eyesRow = v >= eyesBox.V0 && v < eyesBox.V1;
                int mouthU0 = mouthRow ? mouthBox.U0 : width, mouthU1 = mouthRow ? mouthBox.U1 : 0;
                int eyesU0 = eyesRow ? eyesBox.U0 : width, eyesU1 = eyesRow ? eyesBox.U1 : 0;
                // Everything left and right of the warped columns is head motion only: the fast path.
                int localU0 = Math.Min(mouthU0, eyesU0), localU1 = Math.Max(mouthU1, eyesU1);
                if (localU0 >= localU1) { localU0 = width; localU1 = width; }
                PlainSpanSampler.Render(row, src, sw, sh, rowWeights, rowDst, 0, localU0);
                PlainSpanSampler.Render(row, src, sw, sh, rowWeights, rowDst, localU1, width);
                var positions = new PlainSpanSampler.Positions(row);

                // The warped columns: groups of eight inside the mouth box (and clear of the eyes) take the
                // vector warp; the rest, and the few pixels where the mouth interior shows, go pixel by pixel.
                int u = localU0;
                while (u < localU1)
                {
                    if (vectorWarps && u >= mouthU0 && u + 8 <= mouthU1 && (u + 8 <= eyesU0 || u >= eyesU1))
                    {
                        positions.At(rowWeights, u, out var x8, out var y8);
                        var interior = mouth.Warp8(mouthPose, ref x8, ref y8);
                        sampler.SampleAndStore(x8, y8, rowDst + 3 * u);
                        for (uint lanes = interior.ExtractMostSignificantBits(); lanes != 0; lanes &= lanes - 1)
                        {
                            int k = u + System.Numerics.BitOperations.TrailingZeroCount(lanes);
                            RenderPixel(row, k, rowWeights + 2 * k, rowDst + 3 * k, mouth, mouthPose, true, leftEye, rightEye, blink, false, src, sw, sh);
                        }
                        u += 8;
                    }
                    else
                    {
                        RenderPixel(row, u, rowWeights + 2 * u, rowDst + 3 * u, mouth, mouthPose, u >= mouthU0 && u < mouthU1,
                            leftEye, rightEye, blink, u >= eyesU0 && u < eyesU1, src, sw, sh);
                        u++;
                    }
                }
            }
        }
        if (_i420 != null)
            I420Converter.ConvertRows(destination, _destinationLength, width, _height, vStart, vEnd, _i420);
    }

    /// <summary>One output pixel of the warped columns: head motion, the local warps that apply, one sample, the blend.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void RenderPixel(in PlainSpanSampler.Row row, int u, ushort* pw, byte* dst, MouthWarp mouth, in MouthWarp.Pose mouthPose, bool inMouth,
        EyelidWarp leftEye, EyelidWarp rightEye, float blink, bool inEyes, byte* src, int sw, int sh)
    {
        row.Position(u, pw[0] * WeightScale, pw[1] * WeightScale, out float x, out float y);

        float cavity = 0, cr = 0, cg = 0, cb = 0, shade = 1, fill = 0, fillX = 0, fillY = 0;
        bool fillFromLeft = false, lashFromLeft = false, smearFromLeft = false; float flat = 0, lash = 0, smear = 0;
        var lift = System.Numerics.Vector3.Zero;
        if (inMouth)
            cavity = mouth.Warp(mouthPose, ref x, ref y, out cr, out cg, out cb);
        if (inEyes)
        {
            leftEye.Warp(blink, ref x, ref y, out float shadeLeft, out float fillLeft, out float fillLeftX, out float fillLeftY, out float flatLeft, out var liftLeft, out float lashLeft,
                out float smearLeft);
            rightEye.Warp(blink, ref x, ref y, out float shadeRight, out fill, out fillX, out fillY, out flat, out lift, out lash, out smear);
            shade = shadeLeft * shadeRight;
            if (fillLeft > 0) { fill = fillLeft; fillX = fillLeftX; fillY = fillLeftY; flat = flatLeft; lift = liftLeft; fillFromLeft = true; }
            if (lashLeft > 0) { lash = lashLeft; lashFromLeft = true; }
            if (smearLeft > 0) { smear = smearLeft; smearFromLeft = true; }
        }

        SourceSampler.Sample(src, sw, sh, x, y, out int r, out int g, out int b);
        if (smear > 0.05f)
        {
            // A stretched lid, averaged along the eye (EyelidWarp.SmearPerStretch): five samples over +-smear, weights 2 (this
            // one) and 2, 2, 1, 1 at half and full reach.
            var along = smearFromLeft ? leftEye : rightEye;
            float dx = smear * along.AxisX, dy = smear * along.AxisY;
            int sr = 2 * r, sg = 2 * g, sb = 2 * b;
            Tap(src, sw, sh, x - 0.5f * dx, y - 0.5f * dy, 2, ref sr, ref sg, ref sb);
            Tap(src, sw, sh, x + 0.5f * dx, y + 0.5f * dy, 2, ref sr, ref sg, ref sb);
            Tap(src, sw, sh, x - dx, y - dy, 1, ref sr, ref sg, ref sb);
            Tap(src, sw, sh, x + dx, y + dy, 1, ref sr, ref sg, ref sb);
            r = (sr + 4) >> 3; g = (sg + 4) >> 3; b = (sb + 4) >> 3;
        }
        if (fill > 0)
        {
            // A filled lid (EyelidWarp): skin from below the eye, toned to the socket around the eye (1 where the eye is not
            // filled: the stretched lid's soft edge) and lifted to the skin its edges meet, blended over the photo at this position.
            SourceSampler.Sample(src, sw, sh, fillX, fillY, out int fr, out int fg, out int fb);
            // Towards the crease the fill's own texture is partly flattened to its mean (flat: 0 where not filled).
            var eye = fillFromLeft ? leftEye : rightEye;
            var tone = eye.FillTone;
            float keep = (1 - cavity) * shade;
            if (flat > 0 || lift != System.Numerics.Vector3.Zero)
            {
                var mean = eye.FillMean;
                r = (int)((r + fill * ((fr + flat * (mean.X - fr)) * tone.X + lift.X - r)) * keep + cavity * cr + 0.5f);
                g = (int)((g + fill * ((fg + flat * (mean.Y - fg)) * tone.Y + lift.Y - g)) * keep + cavity * cg + 0.5f);
                b = (int)((b + fill * ((fb + flat * (mean.Z - fb)) * tone.Z + lift.Z - b)) * keep + cavity * cb + 0.5f);
                // The lift, and a tone above 1 (up to 1.15) on a bright fill pixel, can push a channel past either end; (byte) would wrap.
                r = Math.Clamp(r, 0, 255); g = Math.Clamp(g, 0, 255); b = Math.Clamp(b, 0, 255);
            }
            else
            {
                r = (int)((r + fill * (fr * tone.X - r)) * keep + cavity * cr + 0.5f);
                g = (int)((g + fill * (fg * tone.Y - g)) * keep + cavity * cg + 0.5f);
                b = (int)((b + fill * (fb * tone.Z - b)) * keep + cavity * cb + 0.5f);
            }
        }
        else if (cavity > 0 || shade != 1)
        {
            float keep = (1 - cavity) * shade;
            r = (int)(r * keep + cavity * cr + 0.5f);
            g = (int)(g * keep + cavity * cg + 0.5f);
            b = (int)(b * keep + cavity * cb + 0.5f);
        }
        if (lash > 0)
        {
            // A filled lid's lash line, drawn over whatever lies there in the colour of the photo's own lashes.
            var lashColour = (lashFromLeft ? leftEye : rightEye).LashColour;
            r = (int)(r + lash * (lashColour.X - r) + 0.5f);
            g = (int)(g + lash * (lashColour.Y - g) + 0.5f);
            b = (int)(b + lash * (lashColour.Z - b) + 0.5f);
        }
        dst[0] = (byte)r; dst[1] = (byte)g; dst[2] = (byte)b;
    }

    /// <summary>Adds one weighted source sample to running channel sums.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Tap(byte* src, int sw, int sh, float x, float y, int weight, ref int r, ref int g, ref int b)
    {
        SourceSampler.Sample(src, sw, sh, x, y, out int tr, out int tg, out int tb);
        r += weight * tr; g += weight * tg; b += weight * tb;
    }

    /// <summary>
    /// Head weight: 1 over an ellipse around the head (hair included), fading smoothly to BodyFollow so
    /// shoulders and background move only a little. Turn weight: how far a point "sticks out" of the
    /// head's rotation axis; the nose region shifts most when the head turns, the outline less.
    /// </summary>
    private void FillHeadWeights(Vector2 noseTip, IReadOnlyList<RectF> stillFaces)
    {
        float f = _faceSize;
        Vector2 centre = _headCentre - new Vector2(0, 0.18f * f);
        float rx = 0.78f * f, ry = 0.98f * f;
        // Other people's heads (a group photo): weight 0 over each head (the detector box grown to take
        // in hair and chin), fading out around it, but never inside the animated head itself.
        // In a tight group a neighbour's head touches the animated one: the neighbour wins everywhere
        // outside the animated face itself (its landmark box grown by 10%).
        var heads = stillFaces.Select(b => (Centre: b.Center, Rx: 0.6f * b.Width, Ry: 0.7f * b.Height)).ToArray();
        Vector2 faceMin = new(float.MaxValue), faceMax = new(float.MinValue);
        foreach (var p in _landmarkPoints) { faceMin = Vector2.Min(faceMin, p); faceMax = Vector2.Max(faceMax, p); }
        Vector2 faceCentre = (faceMin + faceMax) / 2, faceHalf = (faceMax - faceMin) / 2;
        Parallel.For(0, _height, v =>
        {
            float y = _y0 + v * _stepY;
            for (int u = 0; u < _width; u++)
            {
                float x = _x0 + u * _stepX;
                float dx = (x - centre.X) / rx, dy = (y - centre.Y) / ry;
                float e = MathF.Sqrt(dx * dx + dy * dy);
                float w = 1 - (1 - BodyFollow) * Smooth.Step(0.95f, 1.9f, e);
                if (heads.Length > 0)
                {
                    float still = 0;
                    foreach (var h in heads)
                    {
                        float hx = (x - h.Centre.X) / h.Rx, hy = (y - h.Centre.Y) / h.Ry;
                        still = MathF.Max(still, 1 - Smooth.Step(1f, 1.5f, MathF.Sqrt(hx * hx + hy * hy)));
                    }
                    float inFace = MathF.Max(MathF.Abs(x - faceCentre.X) / faceHalf.X, MathF.Abs(y - faceCentre.Y) / faceHalf.Y);
                    w *= 1 - MathF.Min(still, Smooth.Step(1.0f, 1.1f, inFace));
                }
                float nx = (x - noseTip.X) / (0.6f * f), ny = (y - noseTip.Y) / (0.75f * f);
                float depth = MathF.Exp(-(nx * nx + ny * ny));
                _weights[2 * (v * _width + u)] = (ushort)MathF.Round(w * 65535f);
                _weights[2 * (v * _width + u) + 1] = (ushort)MathF.Round(w * (0.3f + 0.7f * depth) * 65535f);
            }
        });
    }

    private static Vector2 Mean(IReadOnlyList<Vector2> pts, int first, int last)
    {
        var sum = Vector2.Zero;
        for (int i = first; i <= last; i++) sum += pts[i];
        return sum / (last - first + 1);
    }
}
