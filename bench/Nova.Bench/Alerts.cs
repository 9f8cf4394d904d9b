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

    /// <summary>The label shared by the alerts of one request (and only them) when a request carries more than one.</summary>
    public const string GroupLabel = "group";

    /// <summary>
    /// The distinct alerts of one run: label <c>run</c> separates runs, <c>instance</c> alerts
    /// within a run. With more than one alert per request, label <c>group</c> is the same for
    /// alerts j*N .. j*N+N-1 and differs between requests, in this run and every other; with one
    /// alert per request there is no <c>group</c> label (the labels of the earlier figures).
    /// </summary>
    public static BenchAlert[] Make(string run, int count, int perRequest, DateTimeOffset startsAt)
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
            if (perRequest > 1)
            {
                // The run is part of the value: a group of the warm-up or of an earlier round
                // must not take this round's alerts (in Alertmanager or in Nova).
                labels[GroupLabel] = run + "-g" + (i / perRequest).ToString("D6", CultureInfo.InvariantCulture);
            }

            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["summary"] = $"Bench alert {i} of run {run} is firing",
                ["description"] = "Synthetic alert sent by bench/run to measure ingest.",
            };
            alerts[i] = new BenchAlert(labels, annotations, starts, AlertFingerprint.Compute(labels));
        }

        return alerts;
    }

    /// <summary>Alertmanager's POST /api/v2/alerts body with these alerts, as Prometheus batches them (endsAt left out: the alerts are open).</summary>
    public static byte[] AlertmanagerApiBody(ReadOnlySpan<BenchAlert> alerts)
    {
        var buffer = new ArrayBufferWriter<byte>(512 * alerts.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var alert in alerts)
            {
                json.WriteStartObject();
                WriteMap(json, "labels", alert.Labels);
                WriteMap(json, "annotations", alert.Annotations);
                json.WriteString("startsAt", alert.StartsAt);
                json.WriteString("generatorURL", GeneratorUrl);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The webhook v4 message Alertmanager would send for these alerts as one aggregation group
    /// of its root route, all firing. One alert: grouped by all its labels (group_by ['...']),
    /// its own groupKey. More: grouped by <see cref="GroupLabel"/> (group_by ['group']), which
    /// the alerts of one request share. commonLabels and commonAnnotations are the pairs every
    /// alert has, as Alertmanager computes them.
    /// </summary>
    public static byte[] WebhookBody(ReadOnlySpan<BenchAlert> alerts)
    {
        var groupLabels = alerts.Length == 1
            ? alerts[0].Labels
            : new SortedDictionary<string, string>(StringComparer.Ordinal) { [GroupLabel] = alerts[0].Labels[GroupLabel] };
        var buffer = new ArrayBufferWriter<byte>(1024 * alerts.Length);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("receiver", "nova");
            json.WriteString("status", "firing");
            json.WriteStartArray("alerts");
            foreach (var alert in alerts)
            {
                json.WriteStartObject();
                json.WriteString("status", "firing");
                WriteMap(json, "labels", alert.Labels);
                WriteMap(json, "annotations", alert.Annotations);
                json.WriteString("startsAt", alert.StartsAt);
                json.WriteString("endsAt", "0001-01-01T00:00:00Z");
                json.WriteString("generatorURL", GeneratorUrl);
                json.WriteString("fingerprint", alert.Fingerprint);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            WriteMap(json, "groupLabels", groupLabels);
            WriteMap(json, "commonLabels", Common(alerts, a => a.Labels));
            WriteMap(json, "commonAnnotations", Common(alerts, a => a.Annotations));
            json.WriteString("externalURL", "http://alertmanager.bench:9093");
            json.WriteString("version", "4");
            // Alertmanager's groupKey: the route's matchers ({} for the root route), then the group labels.
            json.WriteString("groupKey", "{}:{" + string.Join(", ", groupLabels.Select(l => $"{l.Key}=\"{l.Value}\"")) + "}");
            json.WriteNumber("truncatedAlerts", 0);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The name/value pairs that every alert has.</summary>
    private static SortedDictionary<string, string> Common(ReadOnlySpan<BenchAlert> alerts, Func<BenchAlert, SortedDictionary<string, string>> map)
    {
        var common = new SortedDictionary<string, string>(map(alerts[0]), StringComparer.Ordinal);
        foreach (var alert in alerts[1..])
        {
            var other = map(alert);
            foreach (var (key, value) in common.ToList())
            {
                if (!other.TryGetValue(key, out var v) || v != value)
                {
                    common.Remove(key);
                }
            }
        }

        return common;
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
