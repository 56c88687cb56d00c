using System.Numerics;
using SonicWeb.Engine.Faces;
using SonicWeb.Engine.Imaging;

namespace SonicWeb.Tests.Engine.Rendering;

/// <summary>
/// Hand-placed 68 landmarks (iBUG order) for test-media/astronaut.png, read off a 4x zoom of the face
/// with a grid; accurate to about a pixel. Used until the landmark network is merged.
/// </summary>
public static class AstronautLandmarks
{
    public static FaceLandmarks Points { get; } = new(new Vector2[]
    {
        new(181.25f, 107.50f), new(181.25f, 121.25f), new(183.00f, 135.00f), new(185.50f, 147.50f),
        new(189.50f, 158.75f), new(195.50f, 167.50f), new(203.75f, 173.75f), new(213.75f, 177.50f),
        new(225.00f, 178.75f), new(236.25f, 177.00f), new(246.25f, 172.50f), new(254.50f, 165.00f),
        new(260.50f, 155.00f), new(264.50f, 143.75f), new(267.00f, 131.25f), new(268.75f, 118.75f),
        new(269.50f, 106.25f), new(190.00f, 93.75f), new(195.00f, 89.50f), new(201.25f, 88.00f),
        new(207.50f, 88.75f), new(213.75f, 91.25f), new(235.00f, 91.25f), new(241.25f, 88.75f),
        new(248.00f, 88.00f), new(254.50f, 89.25f), new(260.00f, 92.50f), new(224.25f, 101.25f),
        new(224.25f, 110.00f), new(224.25f, 118.75f), new(224.25f, 127.50f), new(216.25f, 130.50f),
        new(220.00f, 132.00f), new(224.25f, 133.00f), new(228.75f, 132.00f), new(232.50f, 130.50f),
        new(193.25f, 100.75f), new(198.75f, 97.25f), new(205.00f, 97.00f), new(210.75f, 102.50f),
        new(205.00f, 104.25f), new(198.75f, 104.25f), new(236.75f, 103.00f), new(242.50f, 97.75f),
        new(248.75f, 97.75f), new(255.00f, 101.00f), new(249.25f, 104.50f), new(243.00f, 104.50f),
        new(202.50f, 141.25f), new(208.75f, 140.00f), new(216.25f, 139.00f), new(223.75f, 140.00f),
        new(231.25f, 139.25f), new(238.75f, 140.50f), new(245.50f, 142.00f), new(240.00f, 148.75f),
        new(232.50f, 152.50f), new(223.75f, 153.25f), new(215.00f, 152.00f), new(208.00f, 148.00f),
        new(204.50f, 141.50f), new(213.75f, 142.50f), new(223.75f, 143.00f), new(233.75f, 143.00f),
        new(243.50f, 142.25f), new(233.75f, 148.00f), new(223.75f, 149.25f), new(213.75f, 148.00f),
    });

    /// <summary>What a face detector reports for this face: roughly brows to chin, cheek to cheek.</summary>
    public static RectF DetectorBox { get; } = new(181f, 88f, 89f, 91f);
}
