using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SonicWeb.Engine.Rendering;

/// <summary>
/// A 2-D coordinate frame on the face (origin plus unit x axis; y is x turned 90 degrees towards the
/// image's "down"), so mouth and eye shapes can be described as simple curves y = f(x).
/// </summary>
internal readonly struct LocalFrame
{
    public readonly float OriginX, OriginY, AxisX, AxisY;

    public LocalFrame(Vector2 origin, Vector2 xAxis)
    {
        var unit = Vector2.Normalize(xAxis);
        OriginX = origin.X; OriginY = origin.Y; AxisX = unit.X; AxisY = unit.Y;
    }

    /// <summary>Axis-aligned image-space bounds of a rectangle given in this frame.</summary>
    public SonicWeb.Engine.Imaging.RectF ImageBounds(float minX, float maxX, float minY, float maxY)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        foreach (var (lx, ly) in new[] { (minX, minY), (maxX, minY), (minX, maxY), (maxX, maxY) })
        {
            ToImage(lx, ly, out float x, out float y);
            x0 = MathF.Min(x0, x); y0 = MathF.Min(y0, y); x1 = MathF.Max(x1, x); y1 = MathF.Max(y1, y);
        }
        return new(x0, y0, x1 - x0, y1 - y0);
    }

    public Vector2 ToLocal(Vector2 p) => new(LocalX(p.X, p.Y), LocalY(p.X, p.Y));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float LocalX(float x, float y) => (x - OriginX) * AxisX + (y - OriginY) * AxisY;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float LocalY(float x, float y) => -(x - OriginX) * AxisY + (y - OriginY) * AxisX;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ToImage(float lx, float ly, out float x, out float y)
    {
        x = OriginX + lx * AxisX - ly * AxisY;
        y = OriginY + lx * AxisY + ly * AxisX;
    }
}

internal static class Smooth
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Step(float edge0, float edge1, float x)
    {
        float t = (x - edge0) / (edge1 - edge0);
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        return t * t * (3 - 2 * t);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Clamp01(float x) => x < 0 ? 0 : x > 1 ? 1 : x;
}

/// <summary>A function of x sampled finely on [min, max], read back with linear interpolation.</summary>
internal sealed class Table1D
{
    private readonly float[] _values;
    private readonly float _min, _invStep;

    public Table1D(float min, float max, float step, Func<float, float> f)
    {
        _min = min; _invStep = 1f / step;
        int n = (int)MathF.Ceiling((max - min) / step) + 2;
        _values = new float[n];
        for (int i = 0; i < n; i++) _values[i] = f(min + i * step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float At(float x)
    {
        float pos = (x - _min) * _invStep;
        if (pos <= 0) return _values[0];
        int i = (int)pos;
        if (i >= _values.Length - 1) return _values[^1];
        float f = pos - i;
        ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_values), i); // i checked above
        return v + f * (Unsafe.Add(ref v, 1) - v);
    }
}

/// <summary>
/// Three functions of the same x sampled on one grid, interleaved: one index computation and one cache
/// line for all three (the mouth reads lip line, drop at the lip and "beside the corners" together).
/// Each value is interpolated exactly as <see cref="Table1D"/> would.
/// </summary>
internal sealed class Table1DTriple
{
    private readonly float[] _values;
    private readonly float _min, _invStep;
    private readonly int _count;

    public Table1DTriple(float min, float max, float step, Func<float, float> a, Func<float, float> b, Func<float, float> c)
    {
        _min = min; _invStep = 1f / step;
        _count = (int)MathF.Ceiling((max - min) / step) + 2;
        _values = new float[3 * _count];
        for (int i = 0; i < _count; i++)
        {
            float x = min + i * step;
            _values[3 * i] = a(x); _values[3 * i + 1] = b(x); _values[3 * i + 2] = c(x);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void At(float x, out float a, out float b, out float c)
    {
        float pos = (x - _min) * _invStep;
        ref float first = ref MemoryMarshal.GetArrayDataReference(_values);
        if (pos <= 0) { a = first; b = Unsafe.Add(ref first, 1); c = Unsafe.Add(ref first, 2); return; }
        int i = (int)pos;
        if (i >= _count - 1)
        {
            ref float last = ref Unsafe.Add(ref first, 3 * (_count - 1));
            a = last; b = Unsafe.Add(ref last, 1); c = Unsafe.Add(ref last, 2);
            return;
        }
        float f = pos - i;
        ref float v = ref Unsafe.Add(ref first, 3 * i); // i checked above
        a = v + f * (Unsafe.Add(ref v, 3) - v);
        b = Unsafe.Add(ref v, 1) + f * (Unsafe.Add(ref v, 4) - Unsafe.Add(ref v, 1));
        c = Unsafe.Add(ref v, 2) + f * (Unsafe.Add(ref v, 5) - Unsafe.Add(ref v, 2));
    }
}

/// <summary>A smooth function of (x, y) sampled on a grid, read back bilinearly (clamped at the edges).</summary>
internal sealed class Table2D
{
    private readonly float[] _values;
    private readonly int _nx, _ny;
    private readonly float _minX, _minY, _invStep, _maxPx, _maxPy;

    public Table2D(float minX, float maxX, float minY, float maxY, float step, Func<float, float, float> f)
    {
        _minX = minX; _minY = minY; _invStep = 1f / step;
        _nx = (int)MathF.Ceiling((maxX - minX) / step) + 2;
        _ny = (int)MathF.Ceiling((maxY - minY) / step) + 2;
        _maxPx = _nx - 1.001f; _maxPy = _ny - 1.001f;
        _values = new float[_nx * _ny];
        for (int j = 0; j < _ny; j++)
            for (int i = 0; i < _nx; i++)
                _values[j * _nx + i] = f(minX + i * step, minY + j * step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float At(float x, float y)
    {
        float px = (x - _minX) * _invStep, py = (y - _minY) * _invStep;
        float maxX = _maxPx, maxY = _maxPy;
        px = px < 0 ? 0 : px > maxX ? maxX : px;
        py = py < 0 ? 0 : py > maxY ? maxY : py;
        int i = (int)px, j = (int)py;
        float fx = px - i, fy = py - j;
        // (i, j) are clamped inside the grid above, so the four reads are in bounds.
        ref float v = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_values), j * _nx + i);
        float top = v + fx * (Unsafe.Add(ref v, 1) - v);
        ref float w = ref Unsafe.Add(ref v, _nx);
        float bottom = w + fx * (Unsafe.Add(ref w, 1) - w);
        return top + fy * (bottom - top);
    }
}
