using System.Text;
using Microsoft.AspNetCore.Http;

namespace Nova.Hosting;

public static class Bearer
{
    /// <summary>
    /// The credential from <c>Authorization: Bearer X</c>, or the password of Basic auth
    /// (Alertmanager's http_config can only send basic auth on some setups).
    /// </summary>
    public static string? From(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header[7..].Trim();
        }

        if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
                var colon = decoded.IndexOf(':');
                return colon < 0 ? decoded : decoded[(colon + 1)..];
            }
            catch (FormatException)
            {
                return null;
            }
        }

        return null;
    }
}
