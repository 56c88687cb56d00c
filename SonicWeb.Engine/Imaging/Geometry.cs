using System.Numerics;

namespace SonicWeb.Engine.Imaging;

/// <summary>An axis-aligned rectangle in pixel coordinates (x right, y down). May extend past an image.</summary>
public readonly record struct RectF(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public Vector2 Center => new(X + Width / 2f, Y + Height / 2f);
    public float Area => Width * Height;

    public static RectF FromCenter(Vector2 center, float width, float height)
        => new(center.X - width / 2f, center.Y - height / 2f, width, height);

    public float IntersectionOverUnion(RectF other)
    {
        float ix = MathF.Max(0, MathF.Min(Right, other.Right) - MathF.Max(X, other.X));
        float iy = MathF.Max(0, MathF.Min(Bottom, other.Bottom) - MathF.Max(Y, other.Y));
        float inter = ix * iy;
        float union = Area + other.Area - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
