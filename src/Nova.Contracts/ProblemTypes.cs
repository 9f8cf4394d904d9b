namespace Nova.Contracts;

/// <summary>
/// The stable <c>type</c> of every problem document Nova answers with (RFC 9457).
/// Clients switch on these; the text of <c>detail</c> may change.
/// </summary>
public static class ProblemTypes
{
    private const string Prefix = "urn:nova:problem:";
    public const string Validation = Prefix + "validation";
    public const string MalformedJson = Prefix + "malformed-json";
    public const string UnsupportedVersion = Prefix + "unsupported-version";
    public const string PayloadTooLarge = Prefix + "payload-too-large";
    public const string UnsupportedMediaType = Prefix + "unsupported-media-type";
    public const string MethodNotAllowed = Prefix + "method-not-allowed";
    public const string Unauthorized = Prefix + "unauthorized";
    public const string Forbidden = Prefix + "forbidden";
    public const string NotFound = Prefix + "not-found";
    public const string Conflict = Prefix + "conflict";
    public const string VersionMismatch = Prefix + "version-mismatch";
    public const string WrongRegion = Prefix + "wrong-region";
    public const string Unavailable = Prefix + "unavailable";
    public const string Internal = Prefix + "internal";
}

/// <summary>One failing field of a validation problem: every one is listed at once.</summary>
public sealed record FieldError(string Field, string Message);
