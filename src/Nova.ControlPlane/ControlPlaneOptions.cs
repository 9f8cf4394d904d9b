using Nova.Contracts;

namespace Nova.ControlPlane;

public sealed record ControlPlaneOptions
{
    /// <summary>Where control.db and operator.key live.</summary>
    public required string DataFolder { get; init; }

    /// <summary>The URL Kestrel listens on, e.g. http://127.0.0.1:7400.</summary>
    public required string Url { get; init; }

    /// <summary>Regions to put in the catalog at start-up (added or updated, never removed).</summary>
    public IReadOnlyList<RegionDoc> Regions { get; init; } = [];

    public string DatabasePath => Path.Combine(DataFolder, "control.db");

    public string OperatorKeyPath => Path.Combine(DataFolder, "operator.key");
}
