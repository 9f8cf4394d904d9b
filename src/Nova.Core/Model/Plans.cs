namespace Nova.Core.Model;

public static class Plans
{
    public static readonly IReadOnlyList<string> Names = ["free", "team", "business", "enterprise"];
}

public static class DeploymentModels
{
    public const string Pinned = "pinned";
    public const string Replicated = "replicated";
    public static readonly IReadOnlyList<string> Names = [Pinned, Replicated];
}

public static class Severities
{
    public const string Critical = "critical";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Info = "info";

    /// <summary>Most severe first; the index is the rank.</summary>
    public static readonly string[] Names = [Critical, Error, Warning, Info];

    public static int Rank(string severity)
    {
        var index = Array.IndexOf(Names, severity);
        return index < 0 ? Names.Length : index;
    }

    public static string Max(string a, string b) => Rank(a) <= Rank(b) ? a : b;

    /// <summary>
    /// Alertmanager has no severity field; teams put one in a label with their own words.
    /// Map the common ones and default to warning.
    /// </summary>
    public static string FromLabel(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "critical" or "crit" or "page" or "p1" or "sev1" or "fatal" or "emergency" or "disaster" => Critical,
        "error" or "err" or "high" or "major" or "p2" or "sev2" => Error,
        "info" or "informational" or "low" or "none" or "notice" or "p4" or "p5" => Info,
        _ => Warning,
    };
}

public static class Slugs
{
    /// <summary>Lowercase letters, digits and single hyphens; 2 to 40 characters; starts with a letter.</summary>
    public static bool IsValid(string? slug)
    {
        if (slug is null || slug.Length is < 2 or > 40 || slug[0] is < 'a' or > 'z' || slug[^1] == '-')
        {
            return false;
        }

        for (var i = 0; i < slug.Length; i++)
        {
            var c = slug[i];
            var ok = c is (>= 'a' and <= 'z') or (>= '0' and <= '9') || (c == '-' && slug[i - 1] != '-');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    public const string Rule = "2-40 characters: lowercase letters, digits and single hyphens, starting with a letter";
}

/// <summary>Incident statuses, in the order an incident normally moves through them.</summary>
public static class IncidentStatuses
{
    public const string Triggered = "triggered";
    public const string Acknowledged = "acknowledged";
    public const string Resolved = "resolved";
    public static readonly IReadOnlyList<string> Names = [Triggered, Acknowledged, Resolved];
}
