using System.Runtime.InteropServices;
using System.Text;

namespace Nova.Cli;

/// <summary>Standard output and error, and the terminal's width, without .NET's terminal handling.</summary>
/// <remarks>
/// On Unix, .NET's console streams switch a terminal to "application" cursor and keypad mode
/// (ESC[?1h ESC=) on their first write to it and never switch it back, so every command's
/// output would begin with those codes and leave the shell in that mode; reading
/// <c>Console.WindowWidth</c> does the same.
/// </remarks>
internal static class Terminal
{
    /// <summary>Routes <see cref="Console.Out"/> and <see cref="Console.Error"/> straight to file descriptors 1 and 2.</summary>
    public static void UsePlainStreams()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Console.SetOut(Writer(1));
        Console.SetError(Writer(2));
    }

    /// <summary>The terminal's width in columns, or null when standard output is not a terminal.</summary>
    public static int? Width()
    {
        if (Console.IsOutputRedirected)
        {
            return null;
        }

        // Linux only: ioctl takes variable arguments, which Apple's arm64 calling convention
        // passes differently from a P/Invoke; elsewhere tables are printed whole.
        const uint TIOCGWINSZ = 0x5413;
        return OperatingSystem.IsLinux() && GetWindowSize(1, TIOCGWINSZ, out var size) == 0 && size.Columns > 0 ? size.Columns : null;
    }

    private static TextWriter Writer(int fd) =>
        TextWriter.Synchronized(new StreamWriter(new DescriptorStream(fd), new UTF8Encoding(false)) { AutoFlush = true });

    /// <summary>
    /// Writes with write(2), as a C program's stdout does: output lands at the descriptor's
    /// shared offset, so stdout and stderr sent to one file (<c>&gt; log 2&gt;&amp;1</c>) and a
    /// shell's own lines interleave instead of overwriting each other (a FileStream would keep
    /// a position of its own and write there). Output to a reader that went away
    /// (<c>nova audit | head -3</c>) or to a closed descriptor (<c>&gt;&amp;-</c>) is dropped, as
    /// a console's is; a non-blocking descriptor is waited for. Any other failure (a full disk)
    /// is an error on standard output, and dropped on standard error, which has no one left to
    /// tell.
    /// </summary>
    private sealed class DescriptorStream(int fd) : Stream
    {
        private const int Interrupted = 4; // EINTR
        private const int BadDescriptor = 9; // EBADF
        private const int BrokenPipe = 32; // EPIPE
        private const short ReadyForWriting = 4; // POLLOUT

        private static readonly int WouldBlock = OperatingSystem.IsLinux() ? 11 : 35; // EAGAIN

        private bool _gone;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            while (!buffer.IsEmpty && !_gone)
            {
                var written = Write(fd, ref MemoryMarshal.GetReference(buffer), buffer.Length);
                if (written > 0)
                {
                    buffer = buffer[(int)written..];
                    continue;
                }

                var errno = written == 0 ? 0 : Marshal.GetLastPInvokeError();
                if (errno == Interrupted)
                {
                    continue;
                }

                if (errno == WouldBlock)
                {
                    var poll = new PollDescriptor { Descriptor = fd, Events = ReadyForWriting };
                    Poll(ref poll, 1, -1);
                    continue;
                }

                if (errno is BrokenPipe or BadDescriptor || fd == 2)
                {
                    _gone = true;
                    break;
                }

                throw new IOException(errno == 0
                    ? $"Cannot write to file descriptor {fd}: nothing was written."
                    : $"Cannot write to file descriptor {fd}: {Marshal.GetPInvokeErrorMessage(errno)}.");
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        [DllImport("libc", EntryPoint = "write", SetLastError = true)]
        private static extern nint Write(int fd, ref byte buffer, nint count);

        [DllImport("libc", EntryPoint = "poll", SetLastError = true)]
        private static extern int Poll(ref PollDescriptor descriptors, nuint count, int timeout);

        [StructLayout(LayoutKind.Sequential)]
        private struct PollDescriptor
        {
            public int Descriptor;
            public short Events;
            public short ReturnedEvents;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [DllImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static extern int GetWindowSize(int fd, nuint request, out WindowSize size);
}
