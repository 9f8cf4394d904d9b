using System.Text.Json;
using Nova.Core.Model;
using Nova.Core.Text;

namespace Nova.Region.Ingest;

/// <summary>A PagerDuty Events API v2 event, checked the way PagerDuty checks it.</summary>
public sealed record PagerDutyEvent(
    string RoutingKey,
    string Action,
    string? DedupKey,
    string? Summary,
    string? Source,
    string? Severity,
    DateTimeOffset? Timestamp,
    IReadOnlyDictionary<string, string> Details)
{
    public const long BodyLimit = 512 * 1024;
    public const int MaxSummary = 1024;
    public const int MaxDedupKey = 255;
    public const int MaxField = 1024;

    public static readonly string[] Actions = ["trigger", "acknowledge", "resolve"];
    private static readonly string[] PagerDutySeverities = ["critical", "error", "warning", "info"];

    /// <summary>The event, or PagerDuty-style messages naming every problem at once.</summary>
    public static (PagerDutyEvent? Event, IReadOnlyList<string> Errors) Parse(JsonElement root)
    {
        try
        {
            return ParseChecked(root);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to turn a lone surrogate escape ("\ud800") into a string.
            return (null, ["Event object holds a string with invalid Unicode (an unpaired surrogate escape, or bytes that are not UTF-8)"]);
        }
    }

    private static (PagerDutyEvent? Event, IReadOnlyList<string> Errors) ParseChecked(JsonElement root)
    {
        var errors = new List<string>();
        if (root.ValueKind != JsonValueKind.Object)
        {
            return (null, ["Event object must be a JSON object"]);
        }

        var routingKey = Text(root, "routing_key");
        if (routingKey is null)
        {
            errors.Add(Missing(root, "routing_key", "routing_key"));
        }
        else if (routingKey.Length != 32)
        {
            errors.Add("Length of 'routing_key' is incorrect (should be 32 characters)");
        }

        var action = Text(root, "event_action");
        if (action is null)
        {
            errors.Add(Missing(root, "event_action", "event_action"));
        }
        else if (!Actions.Contains(action))
        {
            errors.Add("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
        }

        foreach (var name in (string[])["client", "client_url"])
        {
            if (NotAString(root, name) is { } kind)
            {
                errors.Add($"'{name}' must be a string, not {kind}");
            }
        }

        var dedupKey = Text(root, "dedup_key");
        if (dedupKey is not null && UnicodeText.ScalarCount(dedupKey) > MaxDedupKey)
        {
            errors.Add($"'dedup_key' is too long (must be at most {MaxDedupKey} characters)");
        }
        else if (dedupKey is null && NotAString(root, "dedup_key") is { } kind)
        {
            // A number here would otherwise be ignored, and every trigger open a new incident.
            errors.Add($"'dedup_key' must be a string, not {kind}");
        }
        else if (dedupKey is null && action is "acknowledge" or "resolve")
        {
            errors.Add($"'dedup_key' is missing or blank (required for {action})");
        }

        string? summary = null, source = null, severity = null;
        DateTimeOffset? timestamp = null;
        var details = new Dictionary<string, string>(StringComparer.Ordinal);
        // A trigger needs a payload; an event whose action is invalid but carries a payload
        // gets that payload checked too, so the sender learns every problem at once.
        var hasPayload = root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object;
        if (action == "trigger" || (hasPayload && !Actions.Contains(action)))
        {
            if (!hasPayload)
            {
                errors.Add("'payload' is missing or not an object");
            }
            else
            {
                summary = Text(payload, "summary");
                if (summary is null)
                {
                    errors.Add(Missing(payload, "summary", "payload.summary"));
                }
                else if (UnicodeText.ScalarCount(summary) > MaxSummary)
                {
                    errors.Add($"'payload.summary' is too long (must be at most {MaxSummary} characters)");
                }

                source = Text(payload, "source");
                if (source is null)
                {
                    errors.Add(Missing(payload, "source", "payload.source"));
                }
                else if (UnicodeText.ScalarCount(source) > MaxField)
                {
                    errors.Add($"'payload.source' is too long (must be at most {MaxField} characters)");
                }

                severity = Text(payload, "severity");
                if (severity is null)
                {
                    errors.Add(Missing(payload, "severity", "payload.severity"));
                }
                else if (!PagerDutySeverities.Contains(severity))
                {
                    errors.Add("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
                }

                foreach (var name in (string[])["timestamp", "component", "group", "class"])
                {
                    if (NotAString(payload, name) is { } kind)
                    {
                        errors.Add($"'payload.{name}' must be a string, not {kind}");
                    }
                }

                if (Text(payload, "timestamp") is { } ts)
                {
                    if (WireTime.TryParse(ts, out var parsed))
                    {
                        timestamp = parsed;
                    }
                    else
                    {
                        errors.Add("'payload.timestamp' is not a valid ISO 8601 timestamp");
                    }
                }

                foreach (var name in (string[])["component", "group", "class"])
                {
                    if (Text(payload, name) is { } value)
                    {
                        if (UnicodeText.ScalarCount(value) > MaxField)
                        {
                            errors.Add($"'payload.{name}' is too long (must be at most {MaxField} characters)");
                        }
                        else
                        {
                            details[name] = value;
                        }
                    }
                }

                if (source is not null)
                {
                    details["source"] = source;
                }

                if (payload.TryGetProperty("custom_details", out var custom) && custom.ValueKind != JsonValueKind.Null)
                {
                    AddCustomDetails(details, custom);
                }
            }

            foreach (var name in (string[])["client", "client_url"])
            {
                if (Text(root, name) is { } value && UnicodeText.ScalarCount(value) <= MaxField)
                {
                    details[name] = value;
                }
            }
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new PagerDutyEvent(routingKey!, action!, dedupKey, summary, source, severity is null ? null : Severities.FromLabel(severity), timestamp, details), errors);
    }

    /// <summary>
    /// <c>custom_details</c> as PagerDuty shows them: an object's members one by one
    /// (<c>custom_details.lag_seconds</c> = <c>41.5</c>), a string as itself, anything else
    /// (and a member that is not a string) as compact JSON — not the sender's own layout.
    /// </summary>
    private static void AddCustomDetails(Dictionary<string, string> details, JsonElement custom)
    {
        if (custom.ValueKind != JsonValueKind.Object)
        {
            details["custom_details"] = Display(custom);
            return;
        }

        foreach (var member in custom.EnumerateObject())
        {
            details["custom_details." + member.Name] = Display(member.Value);
        }
    }

    private static readonly JsonWriterOptions CompactJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Display(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString()!;
        }

        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CompactJson))
        {
            value.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Why a required string is absent: of another type, or missing (or blank).</summary>
    private static string Missing(JsonElement obj, string name, string path) =>
        NotAString(obj, name) is { } kind ? $"'{path}' must be a string, not {kind}" : $"'{path}' is missing or blank";

    /// <summary>What <paramref name="name"/> is when it is there, not null and not a string (else null).</summary>
    private static string? NotAString(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var value) ? null : value.ValueKind switch
        {
            JsonValueKind.Number => "a number",
            JsonValueKind.True or JsonValueKind.False => "a boolean",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => null,
        };

    private static string? Text(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { } text && !UnicodeText.IsBlank(text)
            ? text
            : null;
}
