namespace Nova.Core.Incidents;

/// <summary>The kinds of event in an incident's append-only history.</summary>
public static class EventKinds
{
    public const string Opened = "incident.opened";
    public const string AlertFired = "alert.fired";
    public const string AlertUpdated = "alert.updated";
    public const string AlertResolved = "alert.resolved";
    public const string Acknowledged = "incident.acknowledged";
    public const string Resolved = "incident.resolved";
    public const string NoteAdded = "note.added";
}

/// <summary>Why an alert or incident was resolved; shown in the timeline.</summary>
public static class ResolveReasons
{
    public const string Manual = "manual";
    public const string Source = "source";
    public const string AlertsResolved = "alerts-resolved";
    public const string Stale = "stale";
    public const string Superseded = "superseded";
}

/// <summary>
/// The content of an event: sealed as one JSON value at rest. Which fields are set depends
/// on the kind; unknown fields are ignored so old events fold under new code.
/// </summary>
public sealed record EventBody
{
    public string? Title { get; init; }
    public string? Severity { get; init; }
    public string? Source { get; init; }
    /// <summary>Opaque key of an alert within its incident (a blind index: no content).</summary>
    public string? AlertKey { get; init; }

    /// <summary>How the sender names the alert: an Alertmanager fingerprint or a PagerDuty dedup_key.</summary>
    public string? Identity { get; init; }
    public string? Summary { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
    public DateTimeOffset? StartsAt { get; init; }
    public DateTimeOffset? EndsAt { get; init; }
    public string? Reason { get; init; }
    public string? Text { get; init; }
    public string? Link { get; init; }
}

/// <summary>One event of an incident, opened (unsealed).</summary>
public sealed record IncidentEvent(
    string Id,
    string IncidentId,
    string Kind,
    string Hlc,
    string OriginRegion,
    string? Actor,
    DateTimeOffset At,
    EventBody Body);
