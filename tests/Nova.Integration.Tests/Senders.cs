using System.Text.Json;
using System.Text.Json.Nodes;
using Nova.Core.Alerts;

namespace Nova.Integration.Tests;

/// <summary>Alertmanager webhook bodies as Alertmanager writes them (see shared/design/FORMATS.md).</summary>
internal static class Am
{
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    /// <summary>One alert; <paramref name="labels"/> are added to <c>alertname</c>.</summary>
    public static JsonObject Alert(
        string alertname, string startsAt, string status = "firing", string? endsAt = null, string? severity = null,
        string? summary = null, params (string Name, string Value)[] labels)
    {
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["alertname"] = alertname };
        if (severity is not null)
        {
            map["severity"] = severity;
        }

        foreach (var (name, value) in labels)
        {
            map[name] = value;
        }

        var labelObject = new JsonObject();
        foreach (var (name, value) in map)
        {
            labelObject[name] = value;
        }

        return new JsonObject
        {
            ["status"] = status,
            ["labels"] = labelObject,
            ["annotations"] = new JsonObject { ["summary"] = summary ?? alertname + " is happening" },
            ["startsAt"] = startsAt,
            ["endsAt"] = endsAt ?? (status == "firing" ? ZeroTime : startsAt),
            ["generatorURL"] = "http://prometheus.example.test:9090/graph",
            ["fingerprint"] = AlertFingerprint.Compute(map),
        };
    }

    /// <summary>The same alert, resolved at <paramref name="endsAt"/>.</summary>
    public static JsonObject Resolved(JsonObject alert, string endsAt)
    {
        var copy = (JsonObject)alert.DeepClone();
        copy["status"] = "resolved";
        copy["endsAt"] = endsAt;
        return copy;
    }

    /// <summary>A version 4 message; the top-level status is resolved only when every alert is.</summary>
    public static string Message(string groupKey, params JsonObject[] alerts) => MessageNode(groupKey, alerts).ToJsonString();

    public static JsonObject MessageNode(string groupKey, params JsonObject[] alerts) => new()
    {
        ["receiver"] = "nova",
        ["status"] = alerts.All(a => (string?)a["status"] == "resolved") ? "resolved" : "firing",
        ["alerts"] = new JsonArray([.. alerts.Select(a => a.DeepClone())]),
        ["groupLabels"] = new JsonObject(),
        ["commonLabels"] = new JsonObject(),
        ["commonAnnotations"] = new JsonObject(),
        ["externalURL"] = "http://alertmanager.example.test:9093",
        ["version"] = "4",
        ["groupKey"] = groupKey,
        ["truncatedAlerts"] = 0,
    };
}

/// <summary>PagerDuty Events API v2 bodies.</summary>
internal static class Pd
{
    public static string Trigger(string routingKey, string? dedupKey, string summary = "Replication lag above 30s", string severity = "critical")
    {
        var e = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = "trigger",
            ["payload"] = new JsonObject { ["summary"] = summary, ["source"] = "db-2", ["severity"] = severity },
        };
        if (dedupKey is not null)
        {
            e["dedup_key"] = dedupKey;
        }

        return e.ToJsonString();
    }

    public static string Event(string routingKey, string action, string dedupKey) =>
        JsonSerializer.Serialize(new Dictionary<string, string> { ["routing_key"] = routingKey, ["event_action"] = action, ["dedup_key"] = dedupKey });
}
