using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Npgsql;

namespace Protocol.Api.Apis;

/// <summary>
/// The analysts' read-only endpoints over the indexer's views. Every list takes <c>offset</c> and
/// <c>limit</c> (1–1000, default 100) and answers JSON <c>{items, offset, limit, total}</c>, or CSV with
/// <c>?format=csv</c>. Amounts are decimal strings.
/// </summary>
public static partial class AnalystApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static IEndpointRouteBuilder MapAnalystApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api");
        api.MapGet("/markets", (NpgsqlDataSource db, HttpRequest request, CancellationToken ct) =>
            ListAsync(db, request, "SELECT * FROM market_summary ORDER BY market_id", "SELECT count(*) FROM market_summary", new(), ct))
            .WithSummary("Markets with their phase, status, stakes, claims and attestations");
        api.MapGet("/markets/{id}", MarketAsync).WithSummary("One market: parameters, timeline, submissions, reports, attestations, disputes");
        api.MapGet("/markets/{id}/submissions", (string id, NpgsqlDataSource db, HttpRequest request, CancellationToken ct) =>
            TryMarketId(id, out var marketId)
                ? ListAsync(db, request, "SELECT * FROM submissions WHERE market_id = @id ORDER BY curator", "SELECT count(*) FROM submissions WHERE market_id = @id", new() { ["id"] = marketId }, ct)
                : Task.FromResult(BadId(id)))
            .WithSummary("Curators of one market: stake, reveal, score, payout");
        api.MapGet("/curators/{address}", CuratorAsync).WithSummary("One curator: leaderboard row and history across markets");
        api.MapGet("/leaderboard", (NpgsqlDataSource db, HttpRequest request, CancellationToken ct) =>
            ListAsync(db, request, "SELECT * FROM curator_leaderboard ORDER BY profit DESC NULLS LAST, curator", "SELECT count(*) FROM curator_leaderboard", new(), ct))
            .WithSummary("Curators ranked by profit");
        api.MapGet("/oracles", (NpgsqlDataSource db, HttpRequest request, CancellationToken ct) =>
            ListAsync(db, request, "SELECT * FROM oracle_performance ORDER BY oracle", "SELECT count(*) FROM oracle_performance", new(), ct))
            .WithSummary("Oracles: bond, attestations, disagreements, slashes");
        api.MapGet("/activity", ActivityAsync).WithSummary("Money staked and paid out (claims and refunds) over time, in up to `buckets` equal time buckets (default 100)");
        api.MapGet("/oracles/{address}", OracleAsync).WithSummary("One oracle: performance, every attestation (and whether it matched the accepted digest), slashes");
        return app;
    }

    private static async Task<IResult> MarketAsync(string id, NpgsqlDataSource db, CancellationToken ct)
    {
        if (!TryMarketId(id, out var marketId))
        {
            return BadId(id);
        }

        var p = new Dictionary<string, object> { ["id"] = marketId };
        var market = await Rows.QueryAsync(db, """
            SELECT m.*, s.phase, s.curators, s.revealed, s.total_staked, s.total_claimed, f.pool AS failed_pool, f.pool_recipient
            FROM markets m JOIN market_summary s USING (market_id)
            LEFT JOIN (SELECT market_id, pool, pool_recipient FROM market_cancelled UNION ALL SELECT market_id, pool, pool_recipient FROM market_forfeited) f USING (market_id)
            WHERE m.market_id = @id
            """, p, ct).ConfigureAwait(false);
        if (market.Values.Count == 0)
        {
            return Results.Problem($"market {id} not found", statusCode: StatusCodes.Status404NotFound);
        }

        return Results.Ok(new
        {
            market = market.ToObjects()[0],
            timeline = (await Rows.QueryAsync(db, "SELECT at, kind, event, round, detail FROM market_timeline WHERE market_id = @id ORDER BY at, kind DESC, event", p, ct).ConfigureAwait(false)).ToObjects(),
            submissions = (await Rows.QueryAsync(db, "SELECT * FROM submissions WHERE market_id = @id ORDER BY curator", p, ct).ConfigureAwait(false)).ToObjects(),
            reports = (await Rows.QueryAsync(db, "SELECT * FROM reports WHERE market_id = @id ORDER BY round, accepted_at", p, ct).ConfigureAwait(false)).ToObjects(),
            attestations = (await Rows.QueryAsync(db, "SELECT * FROM attestations WHERE market_id = @id ORDER BY block_time, signer", p, ct).ConfigureAwait(false)).ToObjects(),
            disputes = (await Rows.QueryAsync(db, "SELECT * FROM disputes WHERE market_id = @id ORDER BY disputed_at", p, ct).ConfigureAwait(false)).ToObjects(),
        });
    }

    private static async Task<IResult> CuratorAsync(string address, NpgsqlDataSource db, CancellationToken ct)
    {
        var (p, summary, problem) = await AddressRowAsync(db, address, "SELECT * FROM curator_leaderboard WHERE curator = @a", $"curator {address} has no submissions", ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        return Results.Ok(new
        {
            curator = summary,
            history = (await Rows.QueryAsync(db, "SELECT * FROM submissions WHERE curator = @a ORDER BY committed_at", p, ct).ConfigureAwait(false)).ToObjects(),
        });
    }

    private static async Task<IResult> OracleAsync(string address, NpgsqlDataSource db, CancellationToken ct)
    {
        var (p, summary, problem) = await AddressRowAsync(db, address, "SELECT * FROM oracle_performance WHERE oracle = @a", $"oracle {address} never bonded", ct).ConfigureAwait(false);
        if (problem is not null)
        {
            return problem;
        }

        const string Attestations = """
            SELECT a.market_id, a.round, a.digest, a.block_time, r.digest AS accepted_digest,
                   CASE WHEN r.digest IS NULL THEN NULL ELSE a.digest = r.digest END AS agreed
            FROM attested a LEFT JOIN report_accepted r ON r.market_id = a.market_id AND r.round = a.round
            WHERE a.signer = @a ORDER BY a.block_time, a.market_id, a.round
            """;
        return Results.Ok(new
        {
            oracle = summary,
            attestations = (await Rows.QueryAsync(db, Attestations, p, ct).ConfigureAwait(false)).ToObjects(),
            slashes = (await Rows.QueryAsync(db, "SELECT * FROM slashes WHERE oracle = @a ORDER BY block_time", p, ct).ConfigureAwait(false)).ToObjects(),
        });
    }

    private static async Task<IResult> ActivityAsync(NpgsqlDataSource db, HttpRequest request, CancellationToken ct)
    {
        var buckets = 100;
        if (request.Query.TryGetValue("buckets", out var b) && (!int.TryParse(b, out buckets) || buckets is < 1 or > MaxLimit))
        {
            return Results.Problem($"buckets must be between 1 and {MaxLimit}, not '{b}'", statusCode: StatusCodes.Status400BadRequest);
        }

        // Buckets span the first to the last event evenly (at least a second each); empty ones are left out.
        const string Sql = """
            WITH events AS (
                SELECT block_time, stake AS staked, 0::numeric AS paid FROM committed
                UNION ALL SELECT block_time, 0, amount FROM claims WHERE kind = 'curator' -- not the burned remainder
                UNION ALL SELECT block_time, 0, stake FROM refunded
            ), span AS (SELECT min(block_time) AS first, max(block_time) AS last FROM events)
            SELECT date_bin(greatest((span.last - span.first) / @buckets, interval '1 second'), e.block_time, span.first) AS at,
                   sum(e.staked) AS staked, sum(e.paid) AS paid_out
            FROM events e CROSS JOIN span GROUP BY 1 ORDER BY 1
            """;
        var rows = await Rows.QueryAsync(db, Sql, new Dictionary<string, object> { ["buckets"] = buckets }, ct).ConfigureAwait(false);
        return WantsCsv(request) ? Csv(rows) : Results.Ok(new { items = rows.ToObjects(), buckets });
    }

    // The one row a view holds for an address (parameter @a), or the problem to answer instead: 400 for
    // a malformed address, 404 when the view has no row for it.
    private static async Task<(Dictionary<string, object> Parameters, Dictionary<string, object?>? Row, IResult? Problem)> AddressRowAsync(
        NpgsqlDataSource db, string address, string sql, string notFound, CancellationToken ct)
    {
        var p = new Dictionary<string, object> { ["a"] = address.ToLowerInvariant() };
        if (!AddressPattern().IsMatch(address))
        {
            return (p, null, Results.Problem($"not an address: {address}", statusCode: StatusCodes.Status400BadRequest));
        }

        var rows = await Rows.QueryAsync(db, sql, p, ct).ConfigureAwait(false);
        return rows.Values.Count == 0
            ? (p, null, Results.Problem(notFound, statusCode: StatusCodes.Status404NotFound))
            : (p, rows.ToObjects()[0], null);
    }

    private static async Task<IResult> ListAsync(NpgsqlDataSource db, HttpRequest request, string sql, string countSql, Dictionary<string, object> parameters, CancellationToken ct)
    {
        if (!TryPage(request, out var offset, out var limit, out var problem))
        {
            return Results.Problem(problem, statusCode: StatusCodes.Status400BadRequest);
        }

        parameters["offset"] = offset;
        parameters["limit"] = limit;
        var rows = await Rows.QueryAsync(db, sql + " OFFSET @offset LIMIT @limit", parameters, ct).ConfigureAwait(false);
        if (WantsCsv(request))
        {
            return Csv(rows);
        }

        await using var count = db.CreateCommand(countSql);
        foreach (var (name, value) in parameters.Where(p => p.Key is not ("offset" or "limit")))
        {
            count.Parameters.AddWithValue(name, value);
        }

        var total = (long)(await count.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return Results.Ok(new { items = rows.ToObjects(), offset, limit, total });
    }

    private static bool WantsCsv(HttpRequest request) => string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase);

    private static IResult Csv(Rows rows) => Results.Text(rows.ToCsv(), "text/csv; charset=utf-8");

    private static bool TryPage(HttpRequest request, out int offset, out int limit, out string problem)
    {
        offset = 0;
        limit = DefaultLimit;
        problem = "";
        if (request.Query.TryGetValue("offset", out var o) && (!int.TryParse(o, out offset) || offset < 0))
        {
            problem = $"offset must be a non-negative integer, not '{o}'";
            return false;
        }

        if (request.Query.TryGetValue("limit", out var l) && (!int.TryParse(l, out limit) || limit is < 1 or > MaxLimit))
        {
            problem = $"limit must be between 1 and {MaxLimit}, not '{l}'";
            return false;
        }

        return true;
    }

    private static bool TryMarketId(string id, out decimal marketId) =>
        decimal.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out marketId);

    private static IResult BadId(string id) => Results.Problem($"not a market id: {id}", statusCode: StatusCodes.Status400BadRequest);

    [GeneratedRegex("^0x[0-9a-fA-F]{40}$")]
    private static partial Regex AddressPattern();
}
