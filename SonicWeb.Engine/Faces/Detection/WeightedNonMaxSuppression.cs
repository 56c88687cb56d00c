using System.Numerics;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Engine.Faces.Detection;

/// <summary>
/// MediaPipe-style weighted non-maximum suppression: the best remaining detection absorbs every other
/// one overlapping it by at least the IoU threshold, and the result is their score-weighted average
/// (box and keypoints) with the best score. Averaging steadies the box compared with plain NMS.
/// </summary>
internal static class WeightedNonMaxSuppression
{
    public const float DefaultIouThreshold = 0.3f;

    public static List<FaceDetection> Merge(IEnumerable<FaceDetection> detections, float iouThreshold = DefaultIouThreshold)
    {
        var remaining = detections.OrderByDescending(d => d.Score).ToList();
        var merged = new List<FaceDetection>();
        while (remaining.Count > 0)
        {
            var best = remaining[0];
            var cluster = remaining.Where(d => best.Box.IntersectionOverUnion(d.Box) >= iouThreshold).ToList();
            remaining.RemoveAll(cluster.Contains);
            if (!cluster.Contains(best)) { cluster.Add(best); remaining.Remove(best); } // degenerate (zero-area) box

            float total = cluster.Sum(d => d.Score);
            float x = 0, y = 0, w = 0, h = 0;
            var keypoints = new Vector2[best.Keypoints.Count];
            foreach (var d in cluster)
            {
                float weight = d.Score / total;
                x += d.Box.X * weight; y += d.Box.Y * weight;
                w += d.Box.Width * weight; h += d.Box.Height * weight;
                for (int k = 0; k < keypoints.Length; k++) keypoints[k] += d.Keypoints[k] * weight;
            }
            merged.Add(new FaceDetection(new RectF(x, y, w, h), best.Score, keypoints));
        }
        return merged;
    }
}
