namespace Nova.Contracts;

/// <summary>
/// A region's health and configuration revision. <see cref="Tenants"/> and <see cref="Services"/>
/// (how many are placed here) are shown to operator keys only: customers do not learn about
/// each other.
/// </summary>
public sealed record RegionStatus(
    string Region,
    long AppliedRevision,
    long ControlRevision,
    DateTimeOffset? LastSyncAt,
    bool ControlPlaneReachable,
    string? LastSyncError,
    int? Tenants,
    int? Services);

public sealed record IncidentSummary(
    string Id,
    string TenantId,
    string ServiceId,
    string Service,
    string Region,
    string Status,
    string Severity,
    string Title,
    int AlertCount,
    int OpenAlerts,
    int Version,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record IncidentDetail(
    IncidentSummary Incident,
    DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? ResolvedAt,
    IReadOnlyList<IncidentAlertView> Alerts,
    IReadOnlyList<TimelineEntry> Timeline);

public sealed record IncidentAlertView(
    string Key,
    string Status,
    string Summary,
    string Severity,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt);

public sealed record TimelineEntry(string EventId, string Kind, DateTimeOffset At, string Hlc, string OriginRegion, string? Actor, string Text);

public sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, string? NextCursor);

public sealed record NoteRequest(string? Text);

/// <summary>What the Alertmanager/Grafana ingest answers with on success.</summary>
public sealed record IngestResult(string Status, int Alerts, int Opened, int Updated, int Resolved, int Ignored, IReadOnlyList<string> Incidents);
