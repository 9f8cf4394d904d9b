namespace Nova.Region;

public sealed record RegionOptions
{
    /// <summary>The region's name, e.g. eu-west-1.</summary>
    public required string Name { get; init; }

    /// <summary>The URL Kestrel listens on.</summary>
    public required string Url { get; init; }

    /// <summary>Where region-NAME.db and the region's key file live.</summary>
    public required string DataFolder { get; init; }

    /// <summary>The control plane whose change feed this region follows.</summary>
    public required string ControlUrl { get; init; }

    /// <summary>An operator key of the control plane, to read the change feed.</summary>
    public required string ControlApiKey { get; init; }

    /// <summary>How often to pull the change feed. Half a second keeps a new service usable within 2 s.</summary>
    public TimeSpan SyncInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often to look for alerts past their service's staleness timeout.</summary>
    public TimeSpan StaleSweepInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a write waits for a lock on the database before ingest answers 503.</summary>
    public TimeSpan StoreBusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public string DatabasePath => Path.Combine(DataFolder, $"region-{Name}.db");

    public string KeyFilePath => Path.Combine(DataFolder, "keys", $"{Name}.kek");
}
