using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Cucos.Persistence.Storage;

/// <summary>
/// Group commit: statements queued by many grains at once run together, as one batch in one round trip and one
/// transaction (so one WAL flush), instead of a round trip and a commit each. Callers hear of their statement only
/// once the batch is committed. A batch grows by itself under load: whatever queued while the previous batch was
/// in flight goes into the next one.
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly int maxBatch;
    private readonly ILogger logger;
    private readonly Channel<PendingStatement> queue = Channel.CreateUnbounded<PendingStatement>();
    private readonly Task[] flushers;

    public GroupCommit(string connectionString, int concurrentBatches, int maxBatch, ILogger logger)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        // The same few statements run thousands of times a second: prepared once per connection, the server stops
        // parsing and planning them each time. A connection string that sets its own value keeps it.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        dataSource = builder.Build();
        this.maxBatch = maxBatch;
        this.logger = logger;
        flushers = Enumerable.Range(0, concurrentBatches).Select(_ => Task.Run(FlushLoopAsync)).ToArray();
    }

    /// <summary>Runs one statement in the next batch; its first row read by <paramref name="readRow"/>, or null when it returned none.</summary>
    public async Task<T?> RunAsync<T>(string sql, Func<NpgsqlDataReader, T> readRow, params NpgsqlParameter[] parameters) where T : class
    {
        var pending = new PendingStatement(sql, parameters, readRow);
        if (!queue.Writer.TryWrite(pending))
            throw new ObjectDisposedException(nameof(GroupCommit), "the PostgreSQL storage is shutting down.");
        try
        {
            return (T?)await pending.Done.Task.ConfigureAwait(false);
        }
        catch (Exception exception) when (StorageFailures.IsDatabaseFailure(exception))
        {
            throw StorageFailures.From(exception);
        }
    }

    /// <summary>Opens a connection of its own, for reads of many rows that do not go through a batch.</summary>
    public ValueTask<NpgsqlConnection> OpenConnectionAsync(CancellationToken cancellationToken = default) =>
        dataSource.OpenConnectionAsync(cancellationToken);

    private async Task FlushLoopAsync()
    {
        var batch = new List<PendingStatement>(maxBatch);
        while (await queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < maxBatch && queue.Reader.TryRead(out var pending))
                batch.Add(pending);
            if (batch.Count == 0)
                continue;
            try
            {
                await ExecuteAsync(batch).ConfigureAwait(false);
            }
            catch (PostgresException error) when (batch.Count > 1)
            {
                // One statement's error aborts the whole transaction: run them one by one so only its own caller fails.
                logger.BatchFailed(error, batch.Count);
                foreach (var pending in batch)
                {
                    try
                    {
                        await ExecuteAsync([pending.Again()]).ConfigureAwait(false);
                    }
                    catch (Exception single)
                    {
                        pending.Done.TrySetException(single);
                    }
                }
            }
            catch (Exception error)
            {
                foreach (var pending in batch)
                    pending.Done.TrySetException(error);
            }
            batch.Clear();
        }
    }

    private async Task ExecuteAsync(List<PendingStatement> batch)
    {
        var rows = new object?[batch.Count];
        await using (var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false))
        await using (var command = new NpgsqlBatch(connection))
        {
            foreach (var pending in batch)
            {
                var statement = new NpgsqlBatchCommand(pending.Sql);
                statement.Parameters.AddRange(pending.Parameters);
                command.BatchCommands.Add(statement);
            }
            // The statements of a batch share one implicit transaction, committed once every result is read.
            await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                if (i > 0 && !await reader.NextResultAsync().ConfigureAwait(false))
                    throw new InvalidOperationException($"the batch returned {i} results for {batch.Count} statements.");
                if (await reader.ReadAsync().ConfigureAwait(false))
                    rows[i] = batch[i].ReadRow(reader);
            }
        }
        for (var i = 0; i < batch.Count; i++)
            batch[i].Done.TrySetResult(rows[i]);
    }

    public async ValueTask DisposeAsync()
    {
        queue.Writer.TryComplete();
        await Task.WhenAll(flushers).ConfigureAwait(false);
        await dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private sealed class PendingStatement(
        string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, object> readRow, TaskCompletionSource<object?>? done = null)
    {
        public string Sql { get; } = sql;
        public NpgsqlParameter[] Parameters { get; } = parameters;
        public Func<NpgsqlDataReader, object> ReadRow { get; } = readRow;
        public TaskCompletionSource<object?> Done { get; } = done ?? new(TaskCreationOptions.RunContinuationsAsynchronously);

        // A parameter belongs to one command: the statement run again on its own gets fresh copies, and the same caller.
        public PendingStatement Again() => new(Sql, Parameters.Select(p => p.Clone()).ToArray(), ReadRow, Done);
    }
}
