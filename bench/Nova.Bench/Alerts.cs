using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Nova.Core.Alerts;

namespace Nova.Bench;

/// <summary>
/// One alert of a run. Both targets get the same labels, annotations and startsAt for the
/// same index; only the envelope differs (Alertmanager's API v2 vs its webhook v4).
/// </summary>
internal sealed record BenchAlert(SortedDictionary<string, string> Labels, SortedDictionary<string, string> Annotations, string StartsAt, string Fingerprint)
{
    public const string GeneratorUrl = "http://prometheus.bench:9090/graph?g0.expr=up";

    /// <summary>The distinct alerts of one run: label <c>run</c> separates runs, <c>instance</c> alerts within a run.</summary>
    public static BenchAlert[] Make(string run, int count, DateTimeOffset startsAt)
    {
        var starts = startsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var alerts = new BenchAlert[count];
        for (var i = 0; i < count; i++)
        {
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["alertname"] = "NovaBenchAlert",
                ["instance"] = "host-" + i.ToString("D6", CultureInfo.InvariantCulture) + ":9100",
                ["job"] = "node",
                ["run"] = run,
                ["severity"] = "warning",
            };
            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["summary"] = $"Bench alert {i} of run {run} is firing",
                ["description"] = "Synthetic alert sent by bench/run to measure ingest.",
            };
            alerts[i] = new BenchAlert(labels, annotations, starts, AlertFingerprint.Compute(labels));
        }

        return alerts;
    }

    /// <summary>Alertmanager's POST /api/v2/alerts body with this one alert (endsAt left out: the alert is open).</summary>
    public byte[] AlertmanagerApiBody()
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStartObject();
            WriteMap(json, "labels", Labels);
            WriteMap(json, "annotations", Annotations);
            json.WriteString("startsAt", StartsAt);
            json.WriteString("generatorURL", GeneratorUrl);
            json.WriteEndObject();
            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The webhook v4 message Alertmanager would send for this alert alone, grouped by all
    /// labels (group_by ['...']): its own groupKey, one firing alert.
    /// </summary>
    public byte[] WebhookBody()
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("receiver", "nova");
            json.WriteString("status", "firing");
            json.WriteStartArray("alerts");
            json.WriteStartObject();
            json.WriteString("status", "firing");
            WriteMap(json, "labels", Labels);
            WriteMap(json, "annotations", Annotations);
            json.WriteString("startsAt", StartsAt);
            json.WriteString("endsAt", "0001-01-01T00:00:00Z");
            json.WriteString("generatorURL", GeneratorUrl);
            json.WriteString("fingerprint", Fingerprint);
            json.WriteEndObject();
            json.WriteEndArray();
            WriteMap(json, "groupLabels", Labels);
            WriteMap(json, "commonLabels", Labels);
            WriteMap(json, "commonAnnotations", Annotations);
            json.WriteString("externalURL", "http://alertmanager.bench:9093");
            json.WriteString("version", "4");
            json.WriteString("groupKey", "{}:{" + string.Join(", ", Labels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}");
            json.WriteNumber("truncatedAlerts", 0);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMap(Utf8JsonWriter json, string name, SortedDictionary<string, string> map)
    {
        json.WriteStartObject(name);
        foreach (var (key, value) in map)
        {
            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }
}
