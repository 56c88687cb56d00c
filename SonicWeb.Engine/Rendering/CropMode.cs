namespace SonicWeb.Engine.Rendering;

/// <summary>Face: a square around the face (expand_ratio); Full: the whole photo.</summary>
public enum CropMode { Face, Full }
