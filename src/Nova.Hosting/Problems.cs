using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Nova.Contracts;

namespace Nova.Hosting;

/// <summary>Problem documents (RFC 9457) with Nova's stable types.</summary>
public static class Problems
{
    public static IResult Of(int status, string type, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Type = type, Title = title, Detail = detail };
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    public static IResult Validation(IReadOnlyList<FieldError> errors) =>
        Of(400, ProblemTypes.Validation, "Invalid request",
            errors.Count == 1 ? errors[0].Field + ": " + errors[0].Message : $"{errors.Count} fields are invalid; see errors.",
            new Dictionary<string, object?> { ["errors"] = errors });

    public static IResult MalformedJson(string detail) =>
        Of(400, ProblemTypes.MalformedJson, "Malformed JSON", detail);

    public static IResult PayloadTooLarge(long limit) =>
        Of(413, ProblemTypes.PayloadTooLarge, "Payload too large", $"The body is larger than the limit of {limit} bytes; send a smaller body (a webhook with fewer alerts, a shorter note).",
            new Dictionary<string, object?> { ["limit"] = limit });

    public static IResult Unauthorized(string detail) =>
        Of(401, ProblemTypes.Unauthorized, "Unauthorized", detail);

    public static IResult Forbidden(string detail) =>
        Of(403, ProblemTypes.Forbidden, "Forbidden", detail);

    public static IResult NotFound(string detail) =>
        Of(404, ProblemTypes.NotFound, "Not found", detail);

    public static IResult Conflict(string detail, IDictionary<string, object?>? extensions = null) =>
        Of(409, ProblemTypes.Conflict, "Conflict", detail, extensions);

    public static IResult VersionMismatch(int expected, int current) =>
        Of(412, ProblemTypes.VersionMismatch, "Version mismatch",
            $"The incident is at version {current}, not {expected} as sent in If-Match: it changed since you read it. Read it again and retry if the action still makes sense.",
            new Dictionary<string, object?> { ["expectedVersion"] = expected, ["currentVersion"] = current });

    public static IResult WrongRegion(string region, string? url, string detail) =>
        Of(421, ProblemTypes.WrongRegion, "Misdirected request", detail,
            new Dictionary<string, object?> { ["region"] = region, ["url"] = url });

    public static IResult Unavailable(string detail) =>
        Of(503, ProblemTypes.Unavailable, "Service unavailable", detail);
}
