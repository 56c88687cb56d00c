using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
internal sealed unsafe class Table1DTriple
{
    private readonly float[] _values;
    private readonly float* _pinned;   // _values on the pinned heap: the gathers read it by address
    private readonly float _min, _invStep;
    private readonly int _count;

    public Table1DTriple(float min, float max, float step, Func<float, float> a, Func<float, float> b, Func<float, float> c)
    {
        _min = min; _invStep = 1f / step;
        _count = (int)MathF.Ceiling((max - min) / step) + 2;
        _values = GC.AllocateArray<float>(3 * _count, pinned: true);
        _pinned = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_values));
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

    /// <summary><see cref="At"/> for eight x at once (AVX2 gathers), with the same float operations: bit-identical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void At8(Vector256<float> x, out Vector256<float> a, out Vector256<float> b, out Vector256<float> c)
    {
        var pos = (x - Vector256.Create(_min)) * Vector256.Create(_invStep);
        var low = Avx.CompareLessThanOrEqual(pos, Vector256<float>.Zero);
        // trunc(pos) >= count-1 exactly when pos >= count-1 (for pos > 0).
        var high = Avx.CompareGreaterThanOrEqual(pos, Vector256.Create((float)(_count - 1)));
        // Clamped so the gathers stay inside the table; the lanes clamped here are replaced below.
        var i = Avx2.Min(Avx2.Max(Avx.ConvertToVector256Int32WithTruncation(pos), Vector256<int>.Zero), Vector256.Create(_count - 2));
        var f = pos - Avx.ConvertToVector256Single(i);
        var index = Avx2.MultiplyLow(i, Vector256.Create(3));
        float* values = _pinned;
        a = Lerp(values, index, 0, f);
        b = Lerp(values, index, 1, f);
        c = Lerp(values, index, 2, f);
        int last = 3 * (_count - 1);
        a = Avx.BlendVariable(Avx.BlendVariable(a, Vector256.Create(values[0]), low), Vector256.Create(values[last]), high);
        b = Avx.BlendVariable(Avx.BlendVariable(b, Vector256.Create(values[1]), low), Vector256.Create(values[last + 1]), high);
        c = Avx.BlendVariable(Avx.BlendVariable(c, Vector256.Create(values[2]), low), Vector256.Create(values[last + 2]), high);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lerp(float* values, Vector256<int> index, int component, Vector256<float> f)
    {
        var v0 = Avx2.GatherVector256(values + component, index, 4);
        var v1 = Avx2.GatherVector256(values + component + 3, index, 4);
        return v0 + f * (v1 - v0);
    }
}

/// <summary>A smooth function of (x, y) sampled on a grid, read back bilinearly (clamped at the edges).</summary>
internal sealed unsafe class Table2D
{
    private readonly float[] _values;
    private readonly float* _pinned;   // _values on the pinned heap: the gathers read it by address
    private readonly int _nx, _ny;
    private readonly float _minX, _minY, _invStep, _maxPx, _maxPy;

    public Table2D(float minX, float maxX, float minY, float maxY, float step, Func<float, float, float> f)
    {
        _minX = minX; _minY = minY; _invStep = 1f / step;
        _nx = (int)MathF.Ceiling((maxX - minX) / step) + 2;
        _ny = (int)MathF.Ceiling((maxY - minY) / step) + 2;
        _maxPx = _nx - 1.001f; _maxPy = _ny - 1.001f;
        _values = GC.AllocateArray<float>(_nx * _ny, pinned: true);
        _pinned = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_values));
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

    /// <summary><see cref="At"/> for eight points at once (AVX2 gathers), with the same float operations: bit-identical.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector256<float> At8(Vector256<float> x, Vector256<float> y)
    {
        var invStep = Vector256.Create(_invStep);
        var px = Clamp((x - Vector256.Create(_minX)) * invStep, Vector256.Create(_maxPx));
        var py = Clamp((y - Vector256.Create(_minY)) * invStep, Vector256.Create(_maxPy));
        var i = Avx.ConvertToVector256Int32WithTruncation(px);
        var j = Avx.ConvertToVector256Int32WithTruncation(py);
        var fx = px - Avx.ConvertToVector256Single(i);
        var fy = py - Avx.ConvertToVector256Single(j);
        var index = Avx2.Add(Avx2.MultiplyLow(j, Vector256.Create(_nx)), i);
        float* values = _pinned;
        var v0 = Avx2.GatherVector256(values, index, 4);
        var v1 = Avx2.GatherVector256(values + 1, index, 4);
        var w0 = Avx2.GatherVector256(values + _nx, index, 4);
        var w1 = Avx2.GatherVector256(values + _nx + 1, index, 4);
        var top = v0 + fx * (v1 - v0);
        var bottom = w0 + fx * (w1 - w0);
        return top + fy * (bottom - top);
    }

    /// <summary>p &lt; 0 ? 0 : p &gt; max ? max : p, lane by lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Clamp(Vector256<float> p, Vector256<float> max)
        => Avx.BlendVariable(Avx.BlendVariable(p, max, Avx.CompareGreaterThan(p, max)), Vector256<float>.Zero, Avx.CompareLessThan(p, Vector256<float>.Zero));
}
