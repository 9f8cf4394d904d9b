using System.Collections.Immutable;
using Nova.Core.Model;

namespace Nova.Core.Incidents;

public sealed record AlertState(
    string Key,
    string Status,
    string Summary,
    string Severity,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt);

/// <summary>
/// An incident as the fold of its events. The projection row is this state, written in the
/// same transaction as the event that produced it; <see cref="Fold"/> rebuilds it from the log.
/// </summary>
public sealed record IncidentState
{
    public required string Id { get; init; }
    public string Status { get; init; } = IncidentStatuses.Triggered;
    public string Severity { get; init; } = Severities.Warning;
    public string Title { get; init; } = "";
    public string Source { get; init; } = "";
    public int Version { get; init; }
    public int Notes { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? AcknowledgedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public ImmutableSortedDictionary<string, AlertState> Alerts { get; init; } = ImmutableSortedDictionary<string, AlertState>.Empty.WithComparers(StringComparer.Ordinal);

    public int AlertCount => Alerts.Count;

    public int OpenAlerts => Alerts.Values.Count(a => a.Status == AlertStatuses.Firing);

    public bool IsOpen => Status != IncidentStatuses.Resolved;

    /// <summary>Folds events in their order (hybrid logical clock, then id) into a state.</summary>
    public static IncidentState Fold(string id, IEnumerable<IncidentEvent> events) =>
        events.OrderBy(e => e.Hlc, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal)
            .Aggregate(new IncidentState { Id = id }, (state, e) => state.Apply(e));

    /// <summary>The state after one more event. Pure: the same events give the same state.</summary>
    public IncidentState Apply(IncidentEvent e)
    {
        var next = this with { Version = Version + 1, UpdatedAt = e.At };
        var body = e.Body;
        switch (e.Kind)
        {
            case EventKinds.Opened:
                return next with
                {
                    Title = body.Title ?? Title,
                    Severity = body.Severity ?? Severity,
                    Source = body.Source ?? Source,
                    CreatedAt = e.At,
                    Status = IncidentStatuses.Triggered,
                };
            case EventKinds.AlertFired when body.AlertKey is { } key:
                var fired = new AlertState(
                    key, AlertStatuses.Firing, body.Summary ?? "", body.Severity ?? Severities.Warning,
                    body.Labels ?? ImmutableDictionary<string, string>.Empty,
                    body.Annotations ?? ImmutableDictionary<string, string>.Empty,
                    body.StartsAt ?? e.At, null);
                return next.WithAlerts(Alerts.SetItem(key, fired));
            case EventKinds.AlertUpdated when body.AlertKey is { } key && Alerts.TryGetValue(key, out var current):
                return next.WithAlerts(Alerts.SetItem(key, current with
                {
                    Summary = body.Summary ?? current.Summary,
                    Severity = body.Severity ?? current.Severity,
                    Labels = body.Labels ?? current.Labels,
                    Annotations = body.Annotations ?? current.Annotations,
                }));
            case EventKinds.AlertResolved when body.AlertKey is { } key && Alerts.TryGetValue(key, out var open):
                return next.WithAlerts(Alerts.SetItem(key, open with { Status = AlertStatuses.Resolved, EndsAt = body.EndsAt ?? e.At }));
            case EventKinds.Acknowledged when Status == IncidentStatuses.Triggered:
                return next with { Status = IncidentStatuses.Acknowledged, AcknowledgedAt = e.At };
            case EventKinds.Resolved when IsOpen:
                // Resolving an incident ends its alerts: a later repeat of the same alert
                // episode must not reopen what a person closed.
                var ended = Alerts.ToImmutableSortedDictionary(
                    pair => pair.Key,
                    pair => pair.Value.Status == AlertStatuses.Firing ? pair.Value with { Status = AlertStatuses.Resolved, EndsAt = e.At } : pair.Value,
                    StringComparer.Ordinal);
                return next with { Status = IncidentStatuses.Resolved, ResolvedAt = e.At, Alerts = ended };
            case EventKinds.NoteAdded:
                return next with { Notes = Notes + 1 };
            default:
                // An event that changes nothing (an ack of a resolved incident that raced in
                // from elsewhere) still counts as a version: the log is the truth.
                return next;
        }
    }

    private IncidentState WithAlerts(ImmutableSortedDictionary<string, AlertState> alerts)
    {
        var open = alerts.Values.Where(a => a.Status == AlertStatuses.Firing).ToList();
        var severity = open.Count == 0 ? Severity : open.Select(a => a.Severity).Aggregate(Severities.Max);
        return this with { Alerts = alerts, Severity = severity };
    }
}

public static class AlertStatuses
{
    public const string Firing = "firing";
    public const string Resolved = "resolved";
}
