using System.Text.Json;
using Nova.Contracts;
using Nova.Core.Alerts;
using Nova.Core.Text;

namespace Nova.Region.Ingest;

public sealed record WebhookAlert(
    string Status,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset StartsAt,
    DateTimeOffset? EndsAt,
    string? GeneratorUrl,
    string Fingerprint)
{
    /// <summary>An incident title is at most this many characters; a longer one is cut and ends in "…".</summary>
    public const int MaxTitle = 1024;

    /// <summary>
    /// What the alert is called in an incident: its first non-blank <c>summary</c>,
    /// <c>title</c> or <c>description</c> annotation, else its <c>alertname</c>, else its
    /// labels; at most <see cref="MaxTitle"/> characters. The whole annotation stays with the alert.
    /// </summary>
    public string Title()
    {
        var text = new[]
            {
                Annotations.GetValueOrDefault("summary"),
                Annotations.GetValueOrDefault("title"),
                Annotations.GetValueOrDefault("description"),
                Labels.GetValueOrDefault("alertname"),
            }
            .Select(t => t?.Trim())
            .FirstOrDefault(t => !UnicodeText.IsBlank(t))
            ?? string.Join(", ", Labels.Select(l => $"{l.Key}={l.Value}"));
        return UnicodeText.Shorten(text, MaxTitle);
    }
}

/// <summary>An Alertmanager (version 4) or Grafana (version 1) webhook message, checked.</summary>
public sealed record AlertmanagerMessage(string Version, string? GroupKey, int TruncatedAlerts, IReadOnlyList<WebhookAlert> Alerts)
{
    public const long BodyLimit = 1024 * 1024;
    public const int MaxAlerts = 1000;
    public const int MaxLabels = 100;
    public const int MaxLabelName = 256;
    public const int MaxLabelValue = 4096;
    public const int MaxAnnotationValue = 16384;

    public sealed record ParseResult(AlertmanagerMessage? Message, IReadOnlyList<FieldError> Errors, string? UnsupportedVersion);

    /// <summary>
    /// Reads the fields Nova uses and ignores the rest (senders add fields in new releases).
    /// Every problem is reported at once, with its JSON path.
    /// </summary>
    public static ParseResult Parse(JsonElement root)
    {
        try
        {
            return ParseChecked(root);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to turn a lone surrogate escape ("\ud800") into a string.
            return new(null, [new("$", "A string holds invalid Unicode (an unpaired surrogate escape, or bytes that are not UTF-8); fix the sender's encoding.")], null);
        }
    }

    private static ParseResult ParseChecked(JsonElement root)
    {
        var errors = new List<FieldError>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(null, [new("$", "The body must be a JSON object (an Alertmanager or Grafana webhook message).")], null);
        }

        var version = root.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : null;
        if (version is null)
        {
            errors.Add(new("version", "Missing or not a string: Alertmanager sends \"4\", Grafana sends \"1\"."));
        }
        else if (version is not ("4" or "1"))
        {
            return new(null, [], version);
        }

        string? groupKey = null;
        if (root.TryGetProperty("groupKey", out var gk))
        {
            if (gk.ValueKind == JsonValueKind.String)
            {
                groupKey = gk.GetString();
            }
            else if (gk.ValueKind != JsonValueKind.Null)
            {
                errors.Add(new("groupKey", "Must be a string."));
            }
        }

        var truncated = 0;
        if (root.TryGetProperty("truncatedAlerts", out var t) && t.ValueKind != JsonValueKind.Null && (t.ValueKind != JsonValueKind.Number || !t.TryGetInt32(out truncated) || truncated < 0))
        {
            errors.Add(new("truncatedAlerts", "Must be a non-negative integer."));
        }

        var alerts = new List<WebhookAlert>();
        if (!root.TryGetProperty("alerts", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            errors.Add(new("alerts", "Missing or not an array: send the alerts of the notification."));
        }
        else if (list.GetArrayLength() == 0)
        {
            errors.Add(new("alerts", "Empty: a notification carries at least one alert."));
        }
        else if (list.GetArrayLength() > MaxAlerts)
        {
            errors.Add(new("alerts", $"{list.GetArrayLength()} alerts; at most {MaxAlerts} per message (set max_alerts in the receiver)."));
        }
        else
        {
            var i = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (ParseAlert(item, $"alerts[{i}]", errors) is { } alert)
                {
                    alerts.Add(alert);
                }

                i++;
            }
        }

        return errors.Count > 0 ? new(null, errors, null) : new(new AlertmanagerMessage(version!, groupKey, truncated, alerts), errors, null);
    }

    private static WebhookAlert? ParseAlert(JsonElement item, string path, List<FieldError> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new(path, "Must be an object."));
            return null;
        }

        var before = errors.Count;
        var status = Text(item, "status");
        if (status is not ("firing" or "resolved"))
        {
            errors.Add(new(path + ".status", "Must be \"firing\" or \"resolved\"."));
        }

        var labels = Map(item, "labels", path, MaxLabelName, MaxLabelValue, required: true, errors);
        var annotations = Map(item, "annotations", path, MaxLabelName, MaxAnnotationValue, required: false, errors);

        DateTimeOffset startsAt = default;
        var startsText = Text(item, "startsAt");
        if (startsText is null || !WireTime.TryParse(startsText, out startsAt))
        {
            errors.Add(new(path + ".startsAt", $"Missing or not an RFC 3339 time: '{startsText}'."));
        }

        DateTimeOffset? endsAt = null;
        if (Text(item, "endsAt") is { } endsText)
        {
            if (!WireTime.TryParse(endsText, out var ends))
            {
                errors.Add(new(path + ".endsAt", $"Not an RFC 3339 time: '{endsText}'."));
            }
            else if (!WireTime.IsZero(ends))
            {
                // Go's zero time means "no end", not the year 1.
                endsAt = ends;
            }
        }

        var fingerprint = Text(item, "fingerprint");
        if (fingerprint is null && item.TryGetProperty("fingerprint", out var fp) && fp.ValueKind is not (JsonValueKind.Null or JsonValueKind.String))
        {
            errors.Add(new(path + ".fingerprint", "Must be a string of 16 lowercase hex digits."));
        }

        if (fingerprint is { Length: > 0 } && !IsHex16(fingerprint))
        {
            errors.Add(new(path + ".fingerprint", "Must be 16 lowercase hex digits, as Alertmanager computes it."));
        }

        if (errors.Count > before || labels is null)
        {
            return null;
        }

        // Grafana's fingerprint covers hidden labels, so trust the sender's; compute
        // Alertmanager's own only when a sender leaves it out.
        return new WebhookAlert(
            status!, labels, annotations ?? new Dictionary<string, string>(), startsAt, endsAt, Text(item, "generatorURL"),
            fingerprint is { Length: > 0 } ? fingerprint : AlertFingerprint.Compute(labels));
    }

    private static string? Text(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static Dictionary<string, string>? Map(JsonElement item, string name, string path, int maxName, int maxValue, bool required, List<FieldError> errors)
    {
        if (!item.TryGetProperty(name, out var obj) || obj.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add(new($"{path}.{name}", "Missing: an alert is identified by its labels."));
            }

            return null;
        }

        if (obj.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new($"{path}.{name}", "Must be an object of strings."));
            return null;
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            if (map.Count == MaxLabels)
            {
                errors.Add(new($"{path}.{name}", $"More than {MaxLabels} entries."));
                return null;
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add(new($"{path}.{name}.{property.Name}", "Must be a string."));
                continue;
            }

            var value = property.Value.GetString()!;
            if (property.Name.Length == 0 || UnicodeText.ScalarCount(property.Name) > maxName)
            {
                errors.Add(new($"{path}.{name}", $"A name is empty or longer than {maxName} characters."));
            }
            else if (UnicodeText.ScalarCount(value) > maxValue)
            {
                errors.Add(new($"{path}.{name}.{property.Name}", $"Longer than {maxValue} characters."));
            }
            else
            {
                map[property.Name] = value;
            }
        }

        if (required && map.Count == 0 && obj.EnumerateObject().Any() == false)
        {
            errors.Add(new($"{path}.{name}", "Empty: an alert needs at least one label."));
        }

        return map;
    }

    private static bool IsHex16(string value) =>
        value.Length == 16 && value.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
