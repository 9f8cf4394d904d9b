using System.Collections.Immutable;
using System.Text.Json;
using Nova.Core.Ids;
using Nova.Core.Incidents;
using Nova.Core.Model;

namespace Nova.Core.Tests.Incidents;

/// <summary>
/// <see cref="IncidentState.Fold"/> and <see cref="IncidentState.Apply"/>: the projection a
/// region keeps must always equal the fold of the incident's events.
/// </summary>
public sealed class IncidentFoldTests
{
    private const string IncidentId = "01JINCIDENT0000000000000000";
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 16, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Fold_gives_the_same_state_when_the_same_events_arrive_in_any_order()
    {
        var events = new History()
            .Opened("Disk full", Severities.Warning)
            .Fired("a", Severities.Warning)
            .Fired("b", Severities.Critical)
            .Note("looking")
            .Acknowledged()
            .AlertResolved("b")
            .Updated("a", Severities.Error, "now worse")
            .Fired("c", Severities.Info)
            // Two events at the same HLC reading: ordered by id.
            .SameHlc(h => h.Note("tie 1").Note("tie 2"))
            .Resolved()
            .Events;
        var expected = Canonical(IncidentState.Fold(IncidentId, events));

        var random = new Random(20261203);
        for (var i = 0; i < 200; i++)
        {
            var shuffled = events.OrderBy(_ => random.Next()).ToList();
            Assert.Equal(expected, Canonical(IncidentState.Fold(IncidentId, shuffled)));
        }

        Assert.Equal(expected, Canonical(IncidentState.Fold(IncidentId, Enumerable.Reverse(events))));
    }

    [Fact]
    public void Fold_equals_applying_the_events_one_by_one_when_they_are_in_log_order()
    {
        var events = new History().Opened("t", Severities.Error).Fired("a", Severities.Error).Acknowledged().Resolved().Events;

        var stepwise = events.Aggregate(new IncidentState { Id = IncidentId }, (s, e) => s.Apply(e));

        Assert.Equal(Canonical(stepwise), Canonical(IncidentState.Fold(IncidentId, events)));
    }

    [Fact]
    public void Fold_orders_events_by_hlc_before_id_when_ids_disagree_with_the_clock()
    {
        // An event from another region can carry a smaller id but a later HLC reading.
        var history = new History().Opened("t", Severities.Warning).Fired("a", Severities.Warning);
        var resolve = history.Make(EventKinds.AlertResolved, new EventBody { AlertKey = "a" }, hlc: new HlcTimestamp(T0.ToUnixTimeMilliseconds() + 10_000, 0), id: "00000000000000000000000000");
        var fire = history.Make(EventKinds.AlertFired, new EventBody { AlertKey = "a", Severity = Severities.Warning }, hlc: new HlcTimestamp(T0.ToUnixTimeMilliseconds() + 5_000, 0), id: "ZZZZZZZZZZZZZZZZZZZZZZZZZZ");

        var state = IncidentState.Fold(IncidentId, [history.Events[0], resolve, fire]);

        Assert.Equal(AlertStatuses.Resolved, state.Alerts["a"].Status);
    }

    [Fact]
    public void Opened_sets_title_source_severity_and_created_at_when_it_is_the_first_event()
    {
        var state = IncidentState.Fold(IncidentId, new History().Opened("Replication lag", Severities.Critical, "pagerduty").Events);

        Assert.Equal(IncidentStatuses.Triggered, state.Status);
        Assert.Equal("Replication lag", state.Title);
        Assert.Equal("pagerduty", state.Source);
        Assert.Equal(Severities.Critical, state.Severity);
        Assert.Equal(T0, state.CreatedAt);
        Assert.Equal(1, state.Version);
        Assert.True(state.IsOpen);
    }

    [Fact]
    public void Acknowledge_moves_a_triggered_incident_to_acknowledged_and_stamps_the_time()
    {
        var history = new History().Opened("t", Severities.Warning).Fired("a", Severities.Warning).Acknowledged();

        var state = IncidentState.Fold(IncidentId, history.Events);

        Assert.Equal(IncidentStatuses.Acknowledged, state.Status);
        Assert.Equal(history.Events[^1].At, state.AcknowledgedAt);
        Assert.True(state.IsOpen);
        Assert.Equal(AlertStatuses.Firing, state.Alerts["a"].Status);
    }

    [Fact]
    public void Acknowledge_changes_nothing_but_the_version_when_the_incident_is_already_acknowledged_or_resolved()
    {
        var acked = new History().Opened("t", Severities.Warning).Acknowledged();
        var first = IncidentState.Fold(IncidentId, acked.Events);
        var twice = IncidentState.Fold(IncidentId, acked.Acknowledged().Events);
        var resolvedThenAcked = IncidentState.Fold(IncidentId, new History().Opened("t", Severities.Warning).Resolved().Acknowledged().Events);

        Assert.Equal(first.AcknowledgedAt, twice.AcknowledgedAt);
        Assert.Equal(first.Version + 1, twice.Version);
        Assert.Equal(IncidentStatuses.Resolved, resolvedThenAcked.Status);
        Assert.Null(resolvedThenAcked.AcknowledgedAt);
        Assert.Equal(3, resolvedThenAcked.Version);
    }

    [Fact]
    public void Resolve_ends_every_firing_alert_and_keeps_earlier_ends_when_a_person_resolves()
    {
        var history = new History().Opened("t", Severities.Warning).Fired("a", Severities.Warning).Fired("b", Severities.Critical).AlertResolved("a");
        var aEnded = history.Events[^1].At;
        history.Acknowledged().Resolved();

        var state = IncidentState.Fold(IncidentId, history.Events);

        Assert.Equal(IncidentStatuses.Resolved, state.Status);
        Assert.Equal(history.Events[^1].At, state.ResolvedAt);
        Assert.False(state.IsOpen);
        Assert.Equal(0, state.OpenAlerts);
        Assert.Equal(2, state.AlertCount);
        Assert.Equal(aEnded, state.Alerts["a"].EndsAt);
        Assert.Equal(history.Events[^1].At, state.Alerts["b"].EndsAt);
    }

    [Fact]
    public void Resolve_changes_nothing_but_the_version_when_the_incident_is_already_resolved()
    {
        var once = new History().Opened("t", Severities.Warning).Resolved();
        var first = IncidentState.Fold(IncidentId, once.Events);

        var twice = IncidentState.Fold(IncidentId, once.Resolved().Events);

        Assert.Equal(first.ResolvedAt, twice.ResolvedAt);
        Assert.Equal(first.Version + 1, twice.Version);
    }

    [Fact]
    public void Severity_is_the_highest_of_the_open_alerts_when_alerts_fire_change_and_resolve()
    {
        var history = new History().Opened("t", Severities.Info).Fired("a", Severities.Warning);
        Assert.Equal(Severities.Warning, IncidentState.Fold(IncidentId, history.Events).Severity);

        history.Fired("b", Severities.Critical);
        Assert.Equal(Severities.Critical, IncidentState.Fold(IncidentId, history.Events).Severity);

        history.Fired("c", Severities.Info);
        Assert.Equal(Severities.Critical, IncidentState.Fold(IncidentId, history.Events).Severity);

        // The critical alert ends: only open alerts count.
        history.AlertResolved("b");
        Assert.Equal(Severities.Warning, IncidentState.Fold(IncidentId, history.Events).Severity);

        history.Updated("c", Severities.Error);
        Assert.Equal(Severities.Error, IncidentState.Fold(IncidentId, history.Events).Severity);

        history.Updated("c", Severities.Info);
        Assert.Equal(Severities.Warning, IncidentState.Fold(IncidentId, history.Events).Severity);
    }

    [Fact]
    public void Alert_resolved_closes_only_the_alert_it_names_when_others_still_fire()
    {
        var history = new History().Opened("t", Severities.Warning).Fired("a", Severities.Warning).Fired("b", Severities.Warning).AlertResolved("a");

        var state = IncidentState.Fold(IncidentId, history.Events);

        Assert.Equal(AlertStatuses.Resolved, state.Alerts["a"].Status);
        Assert.Equal(AlertStatuses.Firing, state.Alerts["b"].Status);
        Assert.Equal(1, state.OpenAlerts);
        Assert.Equal(IncidentStatuses.Triggered, state.Status);
    }

    [Fact]
    public void Version_counts_every_event_when_some_of_them_change_nothing()
    {
        var history = new History()
            .Opened("t", Severities.Warning)
            .Fired("a", Severities.Warning)
            .AlertResolved("unknown")          // no such alert: no change
            .Updated("unknown", Severities.Critical)
            .Note("n1")
            .Acknowledged()
            .Acknowledged()                    // already acknowledged
            .Resolved()
            .Resolved()                        // already resolved
            .Add("kind.from.the.future", new EventBody());

        var state = IncidentState.Fold(IncidentId, history.Events);

        Assert.Equal(history.Events.Count, state.Version);
        Assert.Equal(history.Events[^1].At, state.UpdatedAt);
        Assert.Equal(1, state.Notes);
        Assert.Equal(Severities.Warning, state.Severity);
    }

    [Fact]
    public void Fold_is_an_empty_incident_at_version_zero_when_there_are_no_events()
    {
        var state = IncidentState.Fold(IncidentId, []);

        Assert.Equal(0, state.Version);
        Assert.Equal(0, state.AlertCount);
        Assert.Equal(IncidentId, state.Id);
    }

    /// <summary>Every field of a state as text, so two folds compare by value (dictionaries included).</summary>
    private static string Canonical(IncidentState state) => JsonSerializer.Serialize(state);

    /// <summary>Builds an incident's events with increasing HLC readings and ids, one second apart.</summary>
    private sealed class History
    {
        private int _n;
        private int _seq;
        private bool _holdClock;

        public List<IncidentEvent> Events { get; } = [];

        public History Opened(string title, string severity, string source = "alertmanager") =>
            Add(EventKinds.Opened, new EventBody { Title = title, Severity = severity, Source = source });

        public History Fired(string key, string severity) =>
            Add(EventKinds.AlertFired, new EventBody
            {
                AlertKey = key,
                Severity = severity,
                Summary = "alert " + key,
                Labels = ImmutableDictionary<string, string>.Empty.Add("alertname", key),
                StartsAt = T0.AddSeconds(_n),
            });

        public History Updated(string key, string severity, string? summary = null) =>
            Add(EventKinds.AlertUpdated, new EventBody { AlertKey = key, Severity = severity, Summary = summary });

        public History AlertResolved(string key) => Add(EventKinds.AlertResolved, new EventBody { AlertKey = key, Reason = ResolveReasons.Source });

        public History Acknowledged() => Add(EventKinds.Acknowledged, new EventBody { Reason = ResolveReasons.Manual });

        public History Resolved() => Add(EventKinds.Resolved, new EventBody { Reason = ResolveReasons.Manual });

        public History Note(string text) => Add(EventKinds.NoteAdded, new EventBody { Text = text });

        /// <summary>Events added inside share one HLC reading, as two writes in the same millisecond might after a clock step.</summary>
        public History SameHlc(Func<History, History> build)
        {
            _holdClock = true;
            build(this);
            _holdClock = false;
            _n++;
            return this;
        }

        public History Add(string kind, EventBody body)
        {
            Events.Add(Make(kind, body));
            return this;
        }

        public IncidentEvent Make(string kind, EventBody body, HlcTimestamp? hlc = null, string? id = null)
        {
            var at = T0.AddSeconds(_n);
            var reading = hlc ?? new HlcTimestamp(at.ToUnixTimeMilliseconds(), 0);
            _seq++;
            if (!_holdClock)
            {
                _n++;
            }

            return new IncidentEvent(id ?? $"01JEVENT{_seq:D18}", IncidentId, kind, reading.ToString(), "eu-west-1", "test", at, body);
        }
    }
}
