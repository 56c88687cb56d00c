using System.Text.Json;
using System.Threading.Channels;

namespace SonicWeb.Logging;

/// <summary>
/// Writes log events as JSON lines (time, level, category, message, structured fields) to
/// &lt;Storage:Root&gt;/logs/sonicweb-YYYYMMDD.jsonl, one file per day, from a background writer so
/// logging never waits for the disk.
/// </summary>
public sealed class JsonFileLoggerProvider : ILoggerProvider
{
    private readonly Channel<string> _lines = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000)
        { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
    private readonly string _directory;
    private readonly LogLevel _minimum;
    private readonly Task _writer;

    public JsonFileLoggerProvider(string directory, LogLevel minimum = LogLevel.Information)
    {
        _directory = directory;
        _minimum = minimum;
        Directory.CreateDirectory(directory);
        _writer = Task.Run(WriteLoopAsync);
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, categoryName);

    private void Enqueue(string line) => _lines.Writer.TryWrite(line);

    private async Task WriteLoopAsync()
    {
        while (await _lines.Reader.WaitToReadAsync())
        {
            var path = Path.Combine(_directory, $"sonicweb-{DateTime.UtcNow:yyyyMMdd}.jsonl");
            try
            {
                await using var file = new StreamWriter(path, append: true);
                while (_lines.Reader.TryRead(out var line)) await file.WriteLineAsync(line);
            }
            catch (IOException) { await Task.Delay(1000); }
        }
    }

    public void Dispose()
    {
        _lines.Writer.TryComplete();
        _writer.Wait(TimeSpan.FromSeconds(2)); // flush on shutdown; ILoggerProvider has no async dispose
    }

    private sealed class FileLogger(JsonFileLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            var entry = new Dictionary<string, object?>
            {
                ["time"] = DateTime.UtcNow.ToString("O"),
                ["level"] = logLevel.ToString(),
                ["category"] = category,
                ["message"] = formatter(state, exception),
            };
            if (state is IEnumerable<KeyValuePair<string, object?>> fields)
                foreach (var (key, value) in fields)
                    if (key != "{OriginalFormat}") entry[key] = value is null or string or bool or int or long or double ? value : value.ToString();
            if (exception != null) entry["exception"] = exception.ToString();
            owner.Enqueue(JsonSerializer.Serialize(entry));
        }
    }
}
