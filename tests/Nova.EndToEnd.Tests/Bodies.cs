using System.Text.Json;

namespace Nova.EndToEnd.Tests;

/// <summary>The captured sender bodies in <c>shared/fixtures</c> (beside the repository).</summary>
public static class SharedFixtures
{
    /// <summary>The integration key written into the PagerDuty fixtures.</summary>
    public const string PagerDutyKey = "a1b2c3d4e5f60718293a4b5c6d7e8f90";

    /// <summary>
    /// <c>shared/fixtures</c> or <c>../shared/fixtures</c> from the first folder above the
    /// test output folder that has one.
    /// </summary>
    public static string Folder
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                foreach (var candidate in (string[])[Path.Combine(dir.FullName, "shared", "fixtures"), Path.Combine(dir.FullName, "..", "shared", "fixtures")])
                {
                    if (Directory.Exists(candidate))
                    {
                        return Path.GetFullPath(candidate);
                    }
                }
            }

            throw new DirectoryNotFoundException("No shared/fixtures or ../shared/fixtures above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Every JSON fixture, as a path relative to <see cref="Folder"/> with '/' separators, sorted.</summary>
    public static IReadOnlyList<string> All()
    {
        var root = Folder;
        return Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A fixture's text; with <paramref name="key"/>, the fixtures' integration key replaced by it.</summary>
    public static string Read(string relativePath, string? key = null)
    {
        var text = File.ReadAllText(Path.Combine(Folder, relativePath));
        return key is null ? text : text.Replace(PagerDutyKey, key, StringComparison.Ordinal);
    }
}

/// <summary>Request bodies built by the tests.</summary>
public static class Bodies
{
    /// <summary>
    /// An Alertmanager webhook (version 4) as Alertmanager sends it; the fingerprint is left for
    /// Nova to compute. <paramref name="endsAt"/> null means firing (Go's zero time).
    /// </summary>
    public static string AlertmanagerWebhook(
        IReadOnlyDictionary<string, string> labels,
        IReadOnlyDictionary<string, string> annotations,
        DateTimeOffset startsAt,
        DateTimeOffset? endsAt = null,
        string? groupKey = null)
    {
        var status = endsAt is null ? "firing" : "resolved";
        var alert = new Dictionary<string, object?>
        {
            ["status"] = status,
            ["labels"] = labels,
            ["annotations"] = annotations,
            ["startsAt"] = startsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            ["endsAt"] = endsAt is { } e ? e.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture) : "0001-01-01T00:00:00Z",
            ["generatorURL"] = "http://prometheus.example.test/graph",
        };
        var message = new Dictionary<string, object?>
        {
            ["version"] = "4",
            ["groupKey"] = groupKey ?? "{}:{e2e=\"" + Guid.NewGuid().ToString("N") + "\"}",
            ["truncatedAlerts"] = 0,
            ["status"] = status,
            ["receiver"] = "nova",
            ["groupLabels"] = new Dictionary<string, string>(),
            ["commonLabels"] = labels,
            ["commonAnnotations"] = annotations,
            ["externalURL"] = "http://alertmanager.example.test:9093",
            ["alerts"] = new[] { alert },
        };
        return JsonSerializer.Serialize(message);
    }

    /// <summary>A PagerDuty Events v2 trigger.</summary>
    public static string PagerDutyTrigger(string routingKey, string dedupKey, string summary, object? customDetails = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["routing_key"] = routingKey,
            ["event_action"] = "trigger",
            ["dedup_key"] = dedupKey,
            ["payload"] = new Dictionary<string, object?>
            {
                ["summary"] = summary,
                ["source"] = "e2e.example.test",
                ["severity"] = "critical",
                ["custom_details"] = customDetails,
            },
        });
}
