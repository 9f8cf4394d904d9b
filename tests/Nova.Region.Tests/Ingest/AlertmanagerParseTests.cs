using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nova.Core.Alerts;
using Nova.Region.Ingest;

namespace Nova.Region.Tests.Ingest;

/// <summary>
/// <see cref="AlertmanagerMessage.Parse"/> against what Alertmanager and Grafana really send
/// (docs: shared/design/FORMATS.md; bodies: shared/fixtures/alertmanager).
/// </summary>
public sealed class AlertmanagerParseTests
{
    private const string Start = "2026-12-03T16:16:02Z";
    private static readonly DateTimeOffset StartInstant = new(2026, 12, 3, 16, 16, 2, TimeSpan.Zero);

    public static TheoryData<string> AlertmanagerFixtures => Fixtures.Theory("alertmanager");

    [Theory]
    [MemberData(nameof(AlertmanagerFixtures))]
    public void Parse_keeps_every_alert_with_its_sent_fingerprint_when_given_a_captured_fixture(string fixture)
    {
        using var doc = Fixtures.Json(fixture);

        var parsed = AlertmanagerMessage.Parse(doc.RootElement);

        Assert.Empty(parsed.Errors);
        Assert.Null(parsed.UnsupportedVersion);
        var sent = doc.RootElement.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(sent.Count, parsed.Message!.Alerts.Count);
        Assert.Equal(doc.RootElement.GetProperty("groupKey").GetString(), parsed.Message.GroupKey);
        for (var i = 0; i < sent.Count; i++)
        {
            var alert = parsed.Message.Alerts[i];
            Assert.Equal(sent[i].GetProperty("status").GetString(), alert.Status);
            Assert.Equal(sent[i].GetProperty("fingerprint").GetString(), alert.Fingerprint);
            // The fixtures carry real FNV-1a fingerprints: Nova's own computation agrees.
            Assert.Equal(alert.Fingerprint, AlertFingerprint.Compute(alert.Labels));
            Assert.Equal(sent[i].GetProperty("labels").EnumerateObject().Count(), alert.Labels.Count);
        }
    }

    [Fact]
    public void Parse_reads_nine_fractional_digits_and_a_zero_endsAt_as_open_when_given_firing_single()
    {
        using var doc = Fixtures.Json("alertmanager/firing-single.json");

        var alert = Assert.Single(AlertmanagerMessage.Parse(doc.RootElement).Message!.Alerts);

        Assert.Equal("firing", alert.Status);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 16, 16, 2, TimeSpan.Zero).AddTicks(6836843), alert.StartsAt);
        Assert.Null(alert.EndsAt);
        Assert.Equal("p99 latency above 500ms", alert.Annotations["summary"]);
        Assert.Equal("http://127.0.0.1:5101/metrics", alert.GeneratorUrl);
    }

    [Fact]
    public void Parse_keeps_the_same_episode_start_and_reads_endsAt_when_given_resolved_single()
    {
        using var firing = Fixtures.Json("alertmanager/firing-single.json");
        using var resolved = Fixtures.Json("alertmanager/resolved-single.json");

        var fired = Assert.Single(AlertmanagerMessage.Parse(firing.RootElement).Message!.Alerts);
        var ended = Assert.Single(AlertmanagerMessage.Parse(resolved.RootElement).Message!.Alerts);

        Assert.Equal("resolved", ended.Status);
        Assert.Equal(fired.Fingerprint, ended.Fingerprint);
        Assert.Equal(fired.StartsAt, ended.StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 16, 16, 9, TimeSpan.Zero), ended.EndsAt);
    }

    [Fact]
    public void Parse_converts_offsets_and_keeps_utf8_label_names_when_given_mixed_group()
    {
        using var doc = Fixtures.Json("alertmanager/mixed-group.json");

        var alerts = AlertmanagerMessage.Parse(doc.RootElement).Message!.Alerts;

        Assert.Equal(["firing", "resolved", "firing"], alerts.Select(a => a.Status));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 14, 5, TimeSpan.Zero).AddTicks(1234500), alerts[0].StartsAt);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 2, 31, 500, TimeSpan.Zero), alerts[1].EndsAt);
        Assert.Equal(new DateTimeOffset(2023, 3, 25, 6, 39, 51, TimeSpan.Zero).AddTicks(6894330), alerts[2].StartsAt);
        Assert.Equal("bar", alerts[2].Labels["foo🙂"]);
        Assert.Equal("79b00eeaf78a4839", alerts[2].Fingerprint);
        Assert.Null(alerts[2].EndsAt);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("""{"A": 97.5, "B0": 1}""")]
    public void Parse_accepts_grafana_version_1_and_trusts_its_fingerprint_when_values_is_null_or_an_object(string values)
    {
        // Grafana's fingerprint covers hidden labels, so it differs from the FNV-1a of the visible ones.
        var body = GrafanaBody(values);
        using var doc = JsonDocument.Parse(body);

        var parsed = AlertmanagerMessage.Parse(doc.RootElement);

        Assert.Empty(parsed.Errors);
        Assert.Equal("1", parsed.Message!.Version);
        var alert = Assert.Single(parsed.Message.Alerts);
        Assert.Equal("0123456789abcdef", alert.Fingerprint);
        Assert.NotEqual(AlertFingerprint.Compute(alert.Labels), alert.Fingerprint);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 15, 16, 0, TimeSpan.Zero), alert.StartsAt);
    }

    [Fact]
    public void Parse_ignores_fields_it_does_not_know_when_newer_senders_add_them()
    {
        var message = Message(Alert());
        message["notification_reason"] = "repeat";
        message["routeLabels"] = new JsonObject { ["team"] = "core" };
        message["futureObject"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3) };
        ((JsonObject)message["alerts"]![0]!)["futureAlertField"] = new JsonObject { ["x"] = null };

        var parsed = Parse(message);

        Assert.Empty(parsed.Errors);
        Assert.Single(parsed.Message!.Alerts);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("1")]
    public void Parse_accepts_the_version_when_it_is_alertmanagers_or_grafanas(string version)
    {
        var message = Message(Alert());
        message["version"] = version;

        var parsed = Parse(message);

        Assert.Empty(parsed.Errors);
        Assert.Equal(version, parsed.Message!.Version);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("5")]
    [InlineData("4.0")]
    [InlineData("")]
    public void Parse_reports_an_unsupported_version_and_no_message_when_the_version_is_another_string(string version)
    {
        var message = Message(Alert());
        message["version"] = version;

        var parsed = Parse(message);

        Assert.Equal(version, parsed.UnsupportedVersion);
        Assert.Null(parsed.Message);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"firing\"")]
    [InlineData("4")]
    public void Parse_reports_the_root_when_the_body_is_not_an_object(string json)
    {
        using var doc = JsonDocument.Parse(json);

        var parsed = AlertmanagerMessage.Parse(doc.RootElement);

        Assert.Null(parsed.Message);
        Assert.Equal("$", Assert.Single(parsed.Errors).Field);
    }

    [Fact]
    public void Parse_lists_every_problem_at_once_when_many_fields_are_missing_or_invalid()
    {
        const string json = """
            {"groupKey": 5, "truncatedAlerts": -1, "alerts": [
              {"status": "burning", "labels": {"alertname": "X", "n": 1}, "startsAt": "yesterday", "endsAt": "soon", "fingerprint": "ABCDEF0123456789"},
              "not-an-object",
              {"status": "firing", "startsAt": "2026-12-03T16:16:02Z"},
              {"labels": {}, "endsAt": "0001-01-01T00:00:00Z"}
            ]}
            """;
        using var doc = JsonDocument.Parse(json);

        var parsed = AlertmanagerMessage.Parse(doc.RootElement);

        Assert.Null(parsed.Message);
        Assert.Equal(
            [
                "alerts[0].endsAt", "alerts[0].fingerprint", "alerts[0].labels.n", "alerts[0].startsAt", "alerts[0].status",
                "alerts[1]", "alerts[2].labels",
                "alerts[3].labels", "alerts[3].startsAt", "alerts[3].status",
                "groupKey", "truncatedAlerts", "version",
            ],
            parsed.Errors.Select(e => e.Field).Order(StringComparer.Ordinal));
        Assert.All(parsed.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message)));
    }

    [Fact]
    public void Parse_reports_the_version_as_missing_when_it_is_a_number()
    {
        var message = Message(Alert());
        message["version"] = 4;

        var parsed = Parse(message);

        Assert.Equal("version", Assert.Single(parsed.Errors).Field);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("[]")]
    [InlineData("{}")]
    public void Parse_reports_alerts_when_they_are_missing_empty_or_not_an_array(string? alerts)
    {
        var message = Message(Alert());
        message.Remove("alerts");
        if (alerts is not null)
        {
            message["alerts"] = JsonNode.Parse(alerts);
        }

        var parsed = Parse(message);

        Assert.Equal("alerts", Assert.Single(parsed.Errors).Field);
    }

    [Fact]
    public void Parse_accepts_1000_alerts_and_rejects_1001_when_a_message_is_too_large()
    {
        var atLimit = Parse(Message([.. Enumerable.Range(0, AlertmanagerMessage.MaxAlerts).Select(i => Alert(labels: Labels(("alertname", "A" + i))))]));
        var overLimit = Parse(Message([.. Enumerable.Range(0, AlertmanagerMessage.MaxAlerts + 1).Select(i => Alert(labels: Labels(("alertname", "A" + i))))]));

        Assert.Equal(AlertmanagerMessage.MaxAlerts, atLimit.Message!.Alerts.Count);
        Assert.Equal("alerts", Assert.Single(overLimit.Errors).Field);
    }

    [Fact]
    public void Parse_accepts_100_labels_and_rejects_101_when_an_alert_has_too_many()
    {
        var atLimit = Parse(Message(Alert(labels: ManyLabels(AlertmanagerMessage.MaxLabels))));
        var overLimit = Parse(Message(Alert(labels: ManyLabels(AlertmanagerMessage.MaxLabels + 1))));

        Assert.Equal(AlertmanagerMessage.MaxLabels, Assert.Single(atLimit.Message!.Alerts).Labels.Count);
        Assert.Equal("alerts[0].labels", Assert.Single(overLimit.Errors).Field);
    }

    [Fact]
    public void Parse_counts_label_values_in_unicode_scalars_when_they_hold_emoji()
    {
        // 4096 emoji are 8192 UTF-16 chars: a char count would wrongly reject the first.
        var atLimit = Parse(Message(Alert(labels: Labels(("alertname", "X"), ("big", Emoji(AlertmanagerMessage.MaxLabelValue))))));
        var overLimit = Parse(Message(Alert(labels: Labels(("alertname", "X"), ("big", Emoji(AlertmanagerMessage.MaxLabelValue + 1))))));

        Assert.Equal(Emoji(AlertmanagerMessage.MaxLabelValue), Assert.Single(atLimit.Message!.Alerts).Labels["big"]);
        Assert.Equal("alerts[0].labels.big", Assert.Single(overLimit.Errors).Field);
    }

    [Fact]
    public void Parse_counts_label_names_in_unicode_scalars_when_they_hold_emoji()
    {
        var atLimit = Parse(Message(Alert(labels: Labels(("alertname", "X"), (Emoji(AlertmanagerMessage.MaxLabelName), "v")))));
        var overLimit = Parse(Message(Alert(labels: Labels(("alertname", "X"), (Emoji(AlertmanagerMessage.MaxLabelName + 1), "v")))));

        Assert.Empty(atLimit.Errors);
        Assert.Equal("alerts[0].labels", Assert.Single(overLimit.Errors).Field);
    }

    [Fact]
    public void Parse_counts_annotation_values_in_unicode_scalars_when_they_hold_emoji()
    {
        var atLimit = Parse(Message(Alert(annotations: Labels(("summary", Emoji(AlertmanagerMessage.MaxAnnotationValue))))));
        var overLimit = Parse(Message(Alert(annotations: Labels(("summary", Emoji(AlertmanagerMessage.MaxAnnotationValue + 1))))));

        Assert.Empty(atLimit.Errors);
        Assert.Equal("alerts[0].annotations.summary", Assert.Single(overLimit.Errors).Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Parse_reads_startsAt_to_the_tick_when_it_has_0_to_9_fractional_digits(int digits)
    {
        var fraction = "987654321"[..digits];
        var text = digits == 0 ? Start : Start.Replace("Z", "." + fraction + "Z", StringComparison.Ordinal);

        var alert = Assert.Single(Parse(Message(Alert(startsAt: text))).Message!.Alerts);

        // Digits below the 100 ns tick are truncated, never rounded.
        var ticks = digits == 0 ? 0 : long.Parse(fraction.PadRight(7, '0')[..7], CultureInfo.InvariantCulture);
        Assert.Equal(StartInstant.AddTicks(ticks), alert.StartsAt);
    }

    [Theory]
    [InlineData("2026-12-03T16:16:02Z")]
    [InlineData("2026-12-03T16:16:02z")]
    [InlineData("2026-12-03T16:16:02+00:00")]
    [InlineData("2026-12-03T16:16:02+0000")]
    [InlineData("2026-12-03T16:16:02-00:00")]
    [InlineData("2026-12-03T17:16:02+01:00")]
    [InlineData("2026-12-04T00:16:02+08:00")]
    [InlineData("2026-12-04T00:16:02+0800")]
    [InlineData("2026-12-03T08:16:02-08:00")]
    [InlineData("2026-12-03T10:46:02-0530")]
    [InlineData("2026-12-03T09:16:02-07")]
    public void Parse_reads_the_same_instant_when_the_offset_is_written_differently(string startsAt)
    {
        var alert = Assert.Single(Parse(Message(Alert(startsAt: startsAt))).Message!.Alerts);

        Assert.Equal(StartInstant, alert.StartsAt);
        Assert.Equal(TimeSpan.Zero, alert.StartsAt.Offset);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("")]
    [InlineData("2026-12-03T16:16:02")]
    [InlineData("2026-12-03")]
    [InlineData("2026-13-03T16:16:02Z")]
    [InlineData("2026-02-30T16:16:02Z")]
    [InlineData("2026-12-03T16:16:02.Z")]
    [InlineData("2026-12-03T16:16:02+24:00")]
    [InlineData(" 2026-12-03T16:16:02Z")]
    [InlineData("1764778562")]
    public void Parse_reports_startsAt_when_it_is_not_an_rfc3339_time(string startsAt)
    {
        var parsed = Parse(Message(Alert(startsAt: startsAt)));

        Assert.Equal("alerts[0].startsAt", Assert.Single(parsed.Errors).Field);
    }

    [Fact]
    public void Parse_reads_an_absent_endsAt_as_open_when_a_sender_leaves_it_out()
    {
        var alert = Assert.Single(Parse(Message(Alert(endsAt: null))).Message!.Alerts);

        Assert.Null(alert.EndsAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Parse_computes_alertmanagers_fingerprint_when_the_sender_sends_none(string? fingerprint)
    {
        var alert = Assert.Single(Parse(Message(Alert(labels: Labels(("alertname", "Test")), fingerprint: fingerprint))).Message!.Alerts);

        Assert.Equal("e46aaa9fcf75dd34", alert.Fingerprint);
    }

    [Fact]
    public void Parse_keeps_truncatedAlerts_when_alertmanager_left_alerts_out()
    {
        var message = Message(Alert());
        message["truncatedAlerts"] = 7;

        Assert.Equal(7, Parse(message).Message!.TruncatedAlerts);
    }

    // ---- builders ----------------------------------------------------------------------

    private static AlertmanagerMessage.ParseResult Parse(JsonObject message)
    {
        using var doc = JsonDocument.Parse(message.ToJsonString());
        return AlertmanagerMessage.Parse(doc.RootElement);
    }

    private static JsonObject Message(params JsonObject[] alerts) => new()
    {
        ["receiver"] = "nova",
        ["status"] = "firing",
        ["alerts"] = new JsonArray([.. alerts]),
        ["groupLabels"] = new JsonObject(),
        ["commonLabels"] = new JsonObject(),
        ["commonAnnotations"] = new JsonObject(),
        ["externalURL"] = "http://alertmanager.example.test:9093",
        ["version"] = "4",
        ["groupKey"] = "{}:{}",
        ["truncatedAlerts"] = 0,
    };

    private static JsonObject Alert(
        string status = "firing", JsonObject? labels = null, JsonObject? annotations = null, string startsAt = Start,
        string? endsAt = "0001-01-01T00:00:00Z", string? fingerprint = null)
    {
        var alert = new JsonObject
        {
            ["status"] = status,
            ["labels"] = labels ?? Labels(("alertname", "Test")),
            ["annotations"] = annotations ?? new JsonObject(),
            ["startsAt"] = startsAt,
            ["generatorURL"] = "",
        };
        if (endsAt is not null)
        {
            alert["endsAt"] = endsAt;
        }

        if (fingerprint is not null)
        {
            alert["fingerprint"] = fingerprint;
        }

        return alert;
    }

    private static JsonObject Labels(params (string Name, string Value)[] labels)
    {
        var obj = new JsonObject();
        foreach (var (name, value) in labels)
        {
            obj[name] = value;
        }

        return obj;
    }

    private static JsonObject ManyLabels(int count) =>
        Labels([("alertname", "Many"), .. Enumerable.Range(1, count - 1).Select(i => ("l" + i, "v" + i))]);

    private static string Emoji(int count) => string.Concat(Enumerable.Repeat("🙂", count));

    private static string GrafanaBody(string values) => $$"""
        {
          "receiver": "nova",
          "status": "firing",
          "orgId": 1,
          "alerts": [
            {
              "status": "firing",
              "labels": {"alertname": "CPU high", "grafana_folder": "Infra", "team": "core"},
              "annotations": {"summary": "CPU above 95% on web-1"},
              "startsAt": "2026-12-03T16:16:00+01:00",
              "endsAt": "0001-01-01T00:00:00Z",
              "generatorURL": "https://grafana.example.test/alerting/grafana/abc/view?orgId=1",
              "fingerprint": "0123456789abcdef",
              "silenceURL": "https://grafana.example.test/alerting/silence/new",
              "dashboardURL": "",
              "panelURL": "",
              "values": {{values}},
              "valueString": "[ var='A' labels={} value=97.5 ]",
              "imageURL": ""
            }
          ],
          "groupLabels": {"alertname": "CPU high"},
          "commonLabels": {"alertname": "CPU high", "grafana_folder": "Infra", "team": "core"},
          "commonAnnotations": {"summary": "CPU above 95% on web-1"},
          "externalURL": "https://grafana.example.test/",
          "version": "1",
          "groupKey": "{}/{alertname=\"CPU high\"}:{alertname=\"CPU high\"}",
          "truncatedAlerts": 0,
          "title": "[FIRING:1] CPU high (Infra core)",
          "state": "alerting",
          "message": "**Firing**\n\nValue: A=97.5"
        }
        """;
}
