using System.Text.Json;
using System.Text.Json.Nodes;
using Nova.Region.Ingest;

namespace Nova.Region.Tests.Ingest;

/// <summary>
/// <see cref="PagerDutyEvent.Parse"/> against Events API v2 bodies (docs:
/// shared/design/FORMATS.md; bodies: shared/fixtures/pagerduty).
/// </summary>
public sealed class PagerDutyParseTests
{
    private const string Key = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    public static TheoryData<string> PagerDutyFixtures => Fixtures.Theory("pagerduty");

    [Theory]
    [MemberData(nameof(PagerDutyFixtures))]
    public void Parse_accepts_valid_fixtures_and_rejects_invalid_ones_when_given_each_captured_body(string fixture)
    {
        using var doc = Fixtures.Json(fixture);

        var (e, errors) = PagerDutyEvent.Parse(doc.RootElement);

        // The fixtures README: invalid-* bodies must be rejected, every other one accepted.
        if (Path.GetFileName(fixture).StartsWith("invalid-", StringComparison.Ordinal))
        {
            Assert.Null(e);
            Assert.NotEmpty(errors);
        }
        else
        {
            Assert.Empty(errors);
            Assert.Equal(Key, e!.RoutingKey);
            Assert.Equal(doc.RootElement.GetProperty("event_action").GetString(), e.Action);
        }
    }

    [Fact]
    public void Parse_reads_every_payload_field_and_a_plus0000_offset_when_given_the_trigger_fixture()
    {
        using var doc = Fixtures.Json("pagerduty/trigger.json");

        var (e, _) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Equal("trigger", e!.Action);
        Assert.Equal("db-2/replication-lag", e.DedupKey);
        Assert.Equal("Replication lag above 30s on db-2", e.Summary);
        Assert.Equal("db-2.internal.example.test", e.Source);
        Assert.Equal("critical", e.Severity);
        Assert.Equal(new DateTimeOffset(2015, 7, 17, 8, 42, 58, 315, TimeSpan.Zero), e.Timestamp);
        Assert.Equal("postgres", e.Details["component"]);
        Assert.Equal("prod-datapipe", e.Details["group"]);
        Assert.Equal("replication", e.Details["class"]);
        Assert.Equal("Example Monitoring", e.Details["client"]);
        // Each custom detail on its own, as PagerDuty lists them, in compact JSON unless a string.
        Assert.Equal("41.5", e.Details["custom_details.lag_seconds"]);
        Assert.Equal("db-3", e.Details["custom_details.replica"]);
        Assert.DoesNotContain("custom_details", e.Details.Keys);
    }

    [Fact]
    public void Parse_leaves_the_dedup_key_to_be_generated_and_reads_an_hours_only_offset_when_given_trigger_without_dedup_key()
    {
        using var doc = Fixtures.Json("pagerduty/trigger-without-dedup-key.json");

        var (e, _) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Null(e!.DedupKey);
        Assert.Equal("error", e.Severity);
        Assert.Equal(new DateTimeOffset(2011, 5, 6, 10, 30, 0, TimeSpan.Zero), e.Timestamp);
    }

    [Theory]
    [InlineData("pagerduty/acknowledge.json", "acknowledge")]
    [InlineData("pagerduty/resolve.json", "resolve")]
    public void Parse_needs_no_payload_when_the_action_is_acknowledge_or_resolve(string fixture, string action)
    {
        using var doc = Fixtures.Json(fixture);

        var (e, _) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Equal(action, e!.Action);
        Assert.Equal("db-2/replication-lag", e.DedupKey);
        Assert.Null(e.Summary);
    }

    [Fact]
    public void Parse_lists_both_the_action_and_the_severity_when_given_invalid_action_and_severity()
    {
        using var doc = Fixtures.Json("pagerduty/invalid-action-and-severity.json");

        var (e, errors) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Null(e);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, m => m.Contains("'event_action'", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'payload.severity'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_names_the_summary_as_too_long_when_given_invalid_summary_too_long()
    {
        using var doc = Fixtures.Json("pagerduty/invalid-summary-too-long.json");

        var (_, errors) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Contains("'payload.summary'", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_accepts_1024_emoji_counted_as_scalars_when_given_summary_1024_emoji()
    {
        using var doc = Fixtures.Json("pagerduty/summary-1024-emoji.json");

        var (e, errors) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Empty(errors);
        Assert.Equal(2048, e!.Summary!.Length); // UTF-16 chars: a char count would reject it
        Assert.Equal(PagerDutyEvent.MaxSummary, e.Summary.EnumerateRunes().Count());
    }

    [Theory]
    [InlineData("🙂", 1024, true)]
    [InlineData("🙂", 1025, false)]
    [InlineData("x", 1024, true)]
    [InlineData("x", 1025, false)]
    [InlineData("é", 1025, false)]
    public void Parse_limits_the_summary_to_1024_unicode_scalars_when_it_is_long(string unit, int count, bool accepted)
    {
        var trigger = Trigger();
        trigger["payload"]!["summary"] = string.Concat(Enumerable.Repeat(unit, count));

        var (e, errors) = Parse(trigger);

        Assert.Equal(accepted, e is not null);
        if (!accepted)
        {
            Assert.Contains("'payload.summary' is too long", Assert.Single(errors), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(255, true)]
    [InlineData(256, false)]
    public void Parse_limits_the_dedup_key_to_255_unicode_scalars_when_it_holds_emoji(int count, bool accepted)
    {
        var trigger = Trigger();
        trigger["dedup_key"] = string.Concat(Enumerable.Repeat("🙂", count));

        var (e, errors) = Parse(trigger);

        Assert.Equal(accepted, e is not null);
        Assert.Equal(accepted ? 0 : 1, errors.Count);
    }

    [Fact]
    public void Parse_lists_every_problem_at_once_when_a_trigger_has_many()
    {
        var (e, errors) = Parse(new JsonObject
        {
            ["routing_key"] = "short",
            ["event_action"] = "trigger",
            ["payload"] = new JsonObject { ["severity"] = "fatal", ["timestamp"] = "last tuesday", ["summary"] = "   " },
        });

        Assert.Null(e);
        Assert.Equal(5, errors.Count);
        Assert.Contains(errors, m => m.Contains("'routing_key'", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'payload.summary' is missing", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'payload.source' is missing", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'payload.severity' is invalid", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'payload.timestamp'", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_names_routing_key_and_event_action_when_the_event_is_empty()
    {
        var (_, errors) = Parse([]);

        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, m => m.Contains("'routing_key' is missing", StringComparison.Ordinal));
        Assert.Contains(errors, m => m.Contains("'event_action' is missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("acknowledge")]
    [InlineData("resolve")]
    public void Parse_requires_a_dedup_key_when_the_action_is_acknowledge_or_resolve(string action)
    {
        var (_, errors) = Parse(new JsonObject { ["routing_key"] = Key, ["event_action"] = action });

        Assert.Contains("'dedup_key' is missing", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("[]")]
    [InlineData("\"payload\"")]
    public void Parse_requires_a_payload_object_when_the_action_is_trigger(string? payload)
    {
        var trigger = Trigger();
        trigger.Remove("payload");
        if (payload is not null)
        {
            trigger["payload"] = JsonNode.Parse(payload);
        }

        var (_, errors) = Parse(trigger);

        Assert.Contains("'payload'", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"trigger\"")]
    public void Parse_reports_the_event_object_when_the_body_is_not_an_object(string json)
    {
        using var doc = JsonDocument.Parse(json);

        var (e, errors) = PagerDutyEvent.Parse(doc.RootElement);

        Assert.Null(e);
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("critical")]
    [InlineData("error")]
    [InlineData("warning")]
    [InlineData("info")]
    public void Parse_keeps_the_severity_when_it_is_one_of_pagerdutys_four(string severity)
    {
        var trigger = Trigger();
        trigger["payload"]!["severity"] = severity;

        Assert.Equal(severity, Parse(trigger).Event!.Severity);
    }

    [Fact]
    public void Parse_ignores_unknown_fields_and_accepts_any_custom_details_when_senders_add_them()
    {
        var trigger = Trigger();
        trigger["future_field"] = new JsonObject { ["x"] = 1 };
        trigger["images"] = new JsonArray(new JsonObject { ["src"] = "https://img.example.test/a.png" });
        trigger["payload"]!["future_payload_field"] = true;
        trigger["payload"]!["custom_details"] = new JsonArray(1, "two", null);

        var (e, errors) = Parse(trigger);

        Assert.Empty(errors);
        Assert.Equal("""[1,"two",null]""", e!.Details["custom_details"]);
    }

    [Fact]
    public void Custom_details_keep_no_layout_of_the_sender_and_a_string_stays_a_string()
    {
        var nested = Trigger();
        nested["payload"]!["custom_details"] = JsonNode.Parse("""{ "pods": [ "web-1",  "web-2" ], "owner": { "team": "Zürich SRE" }, "note": "line one" }""");
        var text = Trigger();
        text["payload"]!["custom_details"] = "free text from the sender";

        var (e, _) = Parse(nested);
        var (t, _) = Parse(text);

        Assert.Equal("""["web-1","web-2"]""", e!.Details["custom_details.pods"]);
        Assert.Equal("""{"team":"Zürich SRE"}""", e.Details["custom_details.owner"]);
        Assert.Equal("line one", e.Details["custom_details.note"]);
        Assert.Equal("free text from the sender", t!.Details["custom_details"]);
    }

    [Theory]
    [InlineData("2015-07-17T08:42:58.315+0000")]
    [InlineData("2015-07-17T08:42:58.315Z")]
    [InlineData("2015-07-17T10:42:58.315+02:00")]
    [InlineData("2015-07-17T10:42:58.315+0200")]
    [InlineData("2015-07-17T08:42:58.315000000Z")]
    public void Parse_reads_the_same_timestamp_when_the_offset_is_written_differently(string timestamp)
    {
        var trigger = Trigger();
        trigger["payload"]!["timestamp"] = timestamp;

        Assert.Equal(new DateTimeOffset(2015, 7, 17, 8, 42, 58, 315, TimeSpan.Zero), Parse(trigger).Event!.Timestamp);
    }

    [Fact]
    public void A_summary_of_only_invisible_characters_is_blank()
    {
        var e = Trigger();
        e["payload"]!["summary"] = "\u200B\uFEFF ";

        var (parsed, errors) = Parse(e);

        Assert.Null(parsed);
        Assert.Equal(["'payload.summary' is missing or blank"], errors);
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_named_as_such_not_as_missing()
    {
        var e = Trigger();
        e["routing_key"] = 12345;
        e["dedup_key"] = 42;
        e["payload"]!["summary"] = 123;
        e["payload"]!["source"] = new JsonArray();
        e["payload"]!["severity"] = null;
        e["payload"]!["component"] = new JsonObject();
        e["payload"]!["timestamp"] = true;
        e["client"] = 7;

        var (parsed, errors) = Parse(e);

        Assert.Null(parsed);
        Assert.Equal(
        [
            "'routing_key' must be a string, not a number",
            "'client' must be a string, not a number",
            "'dedup_key' must be a string, not a number",
            "'payload.summary' must be a string, not a number",
            "'payload.source' must be a string, not an array",
            "'payload.severity' is missing or blank",
            "'payload.timestamp' must be a string, not a boolean",
            "'payload.component' must be a string, not an object",
        ], errors);
    }

    private static (PagerDutyEvent? Event, IReadOnlyList<string> Errors) Parse(JsonObject body)
    {
        using var doc = JsonDocument.Parse(body.ToJsonString());
        return PagerDutyEvent.Parse(doc.RootElement);
    }

    private static JsonObject Trigger() => new()
    {
        ["routing_key"] = Key,
        ["event_action"] = "trigger",
        ["dedup_key"] = "k-1",
        ["payload"] = new JsonObject { ["summary"] = "s", ["source"] = "src", ["severity"] = "warning" },
    };
}
