using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Nova.Hosting;

/// <summary>
/// Reads a JSON request body under an explicit size limit, so oversized and malformed
/// bodies are refused with a clear problem before anything is parsed into the domain.
/// </summary>
public static class JsonBody
{
    /// <summary>How deep objects and arrays may nest in a body (Alertmanager's messages need 4).</summary>
    public const int MaxDepth = 64;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = false,
        ReadCommentHandling = JsonCommentHandling.Disallow,
    };

    /// <summary>The body as a parsed document, or the problem to answer with.</summary>
    public static async Task<(JsonDocument? Document, IResult? Problem)> ReadDocumentAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        var (bytes, problem) = await ReadBytesAsync(request, limit, ct);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            return (JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = MaxDepth }), null);
        }
        catch (JsonException e)
        {
            return (null, Problems.MalformedJson(Describe(e)));
        }
    }

    /// <summary>The body bound to <typeparamref name="T"/>, or the problem to answer with.</summary>
    public static async Task<(T? Value, IResult? Problem)> ReadAsync<T>(HttpRequest request, long limit, CancellationToken ct)
        where T : class
    {
        var (bytes, problem) = await ReadBytesAsync(request, limit, ct);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes.Span, Options);
            return value is null ? (null, Problems.MalformedJson("The body is JSON null; send an object.")) : (value, null);
        }
        catch (JsonException e) when (e.Path is { Length: > 1 } path && e.InnerException is null or InvalidOperationException && IsWellFormed(bytes.Span))
        {
            // Valid JSON with a field of the wrong type: a validation problem naming the field.
            return (null, Problems.Validation([new Nova.Contracts.FieldError(path.TrimStart('$', '.'), "Has the wrong JSON type (for example a number where text is expected).")]));
        }
        catch (JsonException e)
        {
            return (null, Problems.MalformedJson(Describe(e)));
        }
    }

    public static async Task<(ReadOnlyMemory<byte> Bytes, IResult? Problem)> ReadBytesAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.Headers.ContentEncoding.ToString() is { Length: > 0 } encoding && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            return (default, Problems.Of(415, Nova.Contracts.ProblemTypes.UnsupportedMediaType, "Unsupported content encoding",
                $"Content-Encoding '{encoding}' is not supported; send the body uncompressed."));
        }

        // The content type is not checked: senders (and curl users) often leave it out or get
        // it wrong; the body either parses as JSON or gets a clear malformed-json problem.
        if (request.ContentLength > limit)
        {
            return (default, Problems.PayloadTooLarge(limit));
        }

        var buffer = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 16 * 1024, limit) + 1);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, ct);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return (default, Problems.PayloadTooLarge(limit));
            }
        }

        if (buffer.WrittenCount == 0)
        {
            return (default, Problems.MalformedJson("The body is empty; send a JSON object."));
        }

        return (buffer.WrittenMemory, null);
    }

    private static bool IsWellFormed(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { MaxDepth = MaxDepth });
            while (reader.Read())
            {
            }

            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>What is wrong with a body that did not parse, in words a sender can act on.</summary>
    public static string Describe(JsonException e) =>
        e.Message.Contains("maximum configured depth", StringComparison.Ordinal)
            ? $"The body nests objects or arrays deeper than {MaxDepth} levels; no format Nova takes needs that many."
            : e.LineNumber is { } line
                ? $"The body is not valid JSON (line {line + 1}, byte {e.BytePositionInLine + 1}): fix the syntax and resend."
                : "The body is not valid JSON for this endpoint: " + e.Message;
}
