using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Faces.Detection;
using SonicWeb.Engine.Imaging;
using SonicWeb.Engine.Models;
using SonicWeb.Engine.Onnx;
using SonicWeb.Tests.TestSupport;
using Xunit.Abstractions;

namespace SonicWeb.Tests.Engine.Onnx;

/// <summary>
/// The models' outputs on fixed inputs must not change when the way we run ONNX Runtime changes. The
/// numbers below were captured from the C API binding over npm's onnxruntime-node 1.30.0 (the engine
/// before it moved to the Microsoft.ML.OnnxRuntime package) on the same inputs: the astronaut portrait
/// (lossless PNG), the same portrait small in a large canvas (the tile search), and a voice-like clip
/// computed in <see cref="OnnxReferenceClip"/>. Tolerances are float rounding, far below anything a
/// user could see (0.01 px, 0.001 in a logit, 0.0005 in a probability).
/// </summary>
public class OnnxReferenceOutputsTests(EngineFixture engine, ITestOutputHelper output) : IClassFixture<EngineFixture>
{
    /// <summary>Per BlazeFace output (anchors, values per anchor): the sum and the sum of absolute values of all outputs.</summary>
    private static readonly (int Anchors, int Values, double Sum, double AbsSum)[] BlazeFaceOutputSums =
    [
        (512, 1, -1925.9352498054504, 1954.6274058818817),
        (384, 1, -7106.156685113907, 7106.156685113907),
        (512, 16, 23601.57914878428, 58570.74409173429),
        (384, 16, 60346.179120332, 123606.79279139638),
    ];

    /// <summary>The four highest-scoring anchors of each head: (anchors of the head, index, score logit, box dx, dy, w, h).</summary>
    private static readonly (int Anchors, int Index, float Logit, float[] Box)[] BlazeFaceTopAnchors =
    [
        (512, 141, 2.4756072f, [4.7864823f, -3.6604893f, 23.51781f, 23.517769f]),
        (512, 143, 2.4457538f, [-3.9729538f, -3.7668803f, 23.750906f, 23.750828f]),
        (512, 111, 2.1422186f, [-3.7539997f, 3.8572867f, 23.57684f, 23.576647f]),
        (512, 109, 2.0927567f, [3.9673471f, 3.4494967f, 23.34755f, 23.347507f]),
        (384, 289, -2.4292448f, [3.0347276f, 0.44893128f, 61.540207f, 61.532818f]),
        (384, 294, -2.4911249f, [0.43919432f, -1.2743242f, 45.911217f, 45.90283f]),
        (384, 288, -2.5091689f, [3.271873f, 0.16365972f, 48.94302f, 48.934883f]),
        (384, 343, -2.559748f, [-0.38530052f, -6.319383f, 63.378727f, 63.369183f]),
    ];

    /// <summary>Box x, y, width, height and score; keypoints as x, y pairs.</summary>
    private static readonly float[] AstronautFace = [177.94708f, 80.821075f, 94.1976f, 94.1979f, 0.922414f];
    private static readonly float[] AstronautKeypoints = [203.84677f, 100.76471f, 247.9703f, 108.42191f, 221.95818f, 124.701385f, 218.87135f, 145.51474f, 177.76508f, 109.125046f, 271.09512f, 124.70168f];
    private static readonly float[] CanvasFace = [1523.4684f, 926.254f, 93.17441f, 93.17442f, 0.95911855f];
    private static readonly float[] CanvasKeypoints = [1545.4536f, 951.43823f, 1588.4807f, 951.7911f, 1565.5378f, 973.5266f, 1567.1456f, 992.56934f, 1524.6245f, 960.4258f, 1615.2825f, 960.32086f];

    /// <summary>The 68 landmarks (x, y) found on the astronaut through the detector's box.</summary>
    private static readonly float[] AstronautLandmarks =
    [
        176.94916f, 99.889084f, 177.28006f, 112.55798f, 178.89598f, 124.76822f, 180.60654f, 135.39398f,
        183.81046f, 147.3948f, 189.35944f, 157.15198f, 196.74675f, 164.35123f, 206.25134f, 172.50328f,
        221.14923f, 177.50089f, 236.34933f, 174.01855f, 246.56042f, 167.32474f, 254.31143f, 160.90598f,
        260.98312f, 151.47502f, 265.68356f, 139.8673f, 267.9199f, 128.79974f, 270.23883f, 117.26832f,
        271.60516f, 104.52818f, 186.83195f, 90.62723f, 192.27643f, 87.63734f, 199.59024f, 86.673164f,
        206.28769f, 87.59748f, 212.40883f, 90.14788f, 236.39145f, 91.70805f, 242.73239f, 89.868835f,
        249.35147f, 89.21738f, 257.07117f, 90.73611f, 262.409f, 94.2388f, 223.90791f, 103.5128f,
        223.50166f, 112.251884f, 223.1459f, 120.43801f, 222.70404f, 127.85933f, 214.28133f, 129.87708f,
        217.9901f, 131.8176f, 222.66673f, 132.84662f, 227.49767f, 131.67522f, 231.4446f, 130.68259f,
        195.632f, 100.01152f, 199.90164f, 98.06438f, 205.9409f, 98.31172f, 211.14095f, 101.718506f,
        206.15833f, 103.294464f, 200.01035f, 102.514175f, 236.5958f, 102.91799f, 242.32166f, 99.62785f,
        248.6117f, 100.142075f, 252.52403f, 102.948395f, 248.15761f, 104.90135f, 241.90344f, 104.2439f,
        202.04755f, 140.77603f, 208.78485f, 139.21487f, 217.97903f, 138.70288f, 222.68994f, 139.69897f,
        227.12692f, 138.73914f, 236.67847f, 140.4501f, 244.02333f, 142.8432f, 235.6023f, 149.99216f,
        228.91147f, 153.13074f, 221.85223f, 153.85724f, 215.79355f, 152.84332f, 209.11938f, 149.22614f,
        202.98877f, 141.0985f, 215.94014f, 141.70572f, 222.53331f, 142.32303f, 228.98541f, 142.66753f,
        242.30135f, 142.54173f, 228.62976f, 147.95392f, 222.23074f, 148.44946f, 216.11182f, 147.74246f,
    ];

    /// <summary>Silero's speech probability for each 32 ms chunk of <see cref="OnnxReferenceClip"/>.</summary>
    private static readonly float[] SileroProbabilities =
    [
        0.025215298f, 0.0151566565f, 0.0068570077f, 0.00413391f, 0.0028258562f, 0.0018278658f, 0.0020629466f, 0.002090335f,
        0.0016738176f, 0.0043927133f, 0.002501011f, 0.0032460988f, 0.24621695f, 0.7693342f, 0.9344622f, 0.8374f,
        0.81143475f, 0.7508175f, 0.86207014f, 0.86586666f, 0.7882097f, 0.95416975f, 0.97435033f, 0.98154914f,
        0.86398035f, 0.89059937f, 0.9467308f, 0.83925384f, 0.8794985f, 0.9642431f, 0.9498149f, 0.94305927f,
        0.9358753f, 0.94947624f, 0.93281186f, 0.8874754f, 0.97040766f, 0.96520877f, 0.9734137f, 0.92411435f,
        0.947343f, 0.9529151f, 0.97028244f, 0.891991f, 0.58914727f, 0.16978744f, 0.030661076f, 0.005834788f,
        0.0023671985f, 0.0015621781f, 0.0010560751f, 0.0007778108f, 0.0005556941f, 0.00045278668f, 0.00047272444f, 0.00038081408f,
        0.00046110153f, 0.00044095516f, 0.00040781498f, 0.13890976f, 0.9782902f, 0.9858371f, 0.98062116f, 0.9656533f,
        0.9909251f, 0.9866965f, 0.989474f, 0.98529166f, 0.9861387f, 0.9886501f, 0.98866826f, 0.99035925f,
        0.9837237f, 0.98946345f, 0.98630637f, 0.98659366f, 0.99323416f, 0.99416596f, 0.98640215f, 0.99439967f,
        0.9891218f, 0.9956044f, 0.99294406f, 0.9953172f, 0.98390055f, 0.990154f, 0.9804119f, 0.9433901f,
        0.40170267f, 0.0224877f, 0.0061574876f, 0.0011333227f, 0.00034156442f, 0.000346601f,
    ];

    [Fact]
    public void Blazeface_raw_outputs_match_the_reference()
    {
        var image = TestMedia.LoadRgb(TestMedia.AstronautPng);
        var input = new float[128 * 128 * 3];
        AreaSampler.Sample(image, new RectF(0, 0, image.Width, image.Height), 128, 128, input);
        var outputs = TestOnnx.Runtime.GetSession(ModelStore.Default.GetPath("blazeface")).Run(("input:0", OnnxTensor.FromFloats(input, 1, 128, 128, 3)));

        float[] Output(int anchors, int values) => outputs.Values.Single(t => t.Shape.SequenceEqual([1L, anchors, values])).Floats;
        foreach (var (anchors, values, sum, absSum) in BlazeFaceOutputSums)
        {
            var data = Output(anchors, values);
            double gotSum = data.Sum(v => (double)v), gotAbs = data.Sum(v => Math.Abs((double)v));
            output.WriteLine($"[{anchors}x{values}] sum {gotSum} (reference {sum}), abs {gotAbs} (reference {absSum})");
            Assert.InRange(gotSum, sum - 1e-4 * absSum, sum + 1e-4 * absSum);
            Assert.InRange(gotAbs, absSum * (1 - 1e-4), absSum * (1 + 1e-4));
        }
        foreach (var (anchors, index, logit, box) in BlazeFaceTopAnchors)
        {
            Assert.Equal(logit, Output(anchors, 1)[index], 1e-3f);
            for (int k = 0; k < box.Length; k++)
                Assert.Equal(box[k], Output(anchors, 16)[index * 16 + k], 1e-3f);
        }
    }

    [Fact]
    public void Detections_match_the_reference_in_a_portrait_and_in_the_tile_search()
    {
        var canvas = TestMedia.Convert(TestMedia.AstronautPng, "astronaut-500-at-1350-850.png",
            "-vf", "scale=500:500:flags=area,pad=2000:1500:1350:850:color=0x707070");
        AssertDetection(Assert.Single(engine.Models.FaceDetector.Detect(TestMedia.LoadRgb(TestMedia.AstronautPng))), AstronautFace, AstronautKeypoints);
        AssertDetection(Assert.Single(engine.Models.FaceDetector.Detect(TestMedia.LoadRgb(canvas))), CanvasFace, CanvasKeypoints);
    }

    [Fact]
    public void The_landmark_path_gives_the_reference_points()
    {
        var analysis = new FaceAnalyzer(engine.Models.FaceDetector, engine.Models.LandmarkNet, 64).Analyze(TestMedia.LoadRgb(TestMedia.AstronautPng));
        AssertPoints(AstronautLandmarks, analysis.Landmarks.Points);
    }

    [Fact]
    public void Silero_probabilities_match_the_reference_on_a_computed_clip()
    {
        var probabilities = engine.Models.VoiceActivity.SpeechProbabilities(OnnxReferenceClip.Samples());
        output.WriteLine(string.Join(" ", probabilities.Select(p => p.ToString("F4"))));
        Assert.Equal(SileroProbabilities.Length, probabilities.Length);
        for (int i = 0; i < probabilities.Length; i++)
            Assert.True(Math.Abs(SileroProbabilities[i] - probabilities[i]) < 5e-4f, $"chunk {i}: {probabilities[i]}, reference {SileroProbabilities[i]}");
    }

    private void AssertDetection(FaceDetection face, float[] boxAndScore, float[] keypoints)
    {
        output.WriteLine($"{face.Box} score {face.Score}");
        Assert.Equal(boxAndScore[0], face.Box.X, 0.01f);
        Assert.Equal(boxAndScore[1], face.Box.Y, 0.01f);
        Assert.Equal(boxAndScore[2], face.Box.Width, 0.01f);
        Assert.Equal(boxAndScore[3], face.Box.Height, 0.01f);
        Assert.Equal(boxAndScore[4], face.Score, 1e-4f);
        AssertPoints(keypoints, face.Keypoints);
    }

    private static void AssertPoints(float[] reference, IReadOnlyList<Vector2> points)
    {
        Assert.Equal(reference.Length / 2, points.Count);
        for (int i = 0; i < points.Count; i++)
            Assert.True(Vector2.Distance(new Vector2(reference[2 * i], reference[2 * i + 1]), points[i]) < 0.01f,
                $"point {i}: {points[i]}, reference ({reference[2 * i]}, {reference[2 * i + 1]})");
    }
}
