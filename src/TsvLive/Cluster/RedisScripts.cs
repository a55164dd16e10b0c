namespace TsvLive.Cluster;

/// <summary>
/// The Lua scripts that change the store: each runs whole or not at all in Redis (and is logged so
/// to its append-only file), so no instance ever sees a half-made change.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// Commits a version whose chunks are written: checks that every chunk is there, takes the next
    /// version number (two replacements committed at once on two instances get two), points the table
    /// at the new chunks (kept for good), moves the replaced version to the older ones kept (the field
    /// <c>older</c>, JSON, newest first) and lets the chunks of those no longer kept expire (readers
    /// still on them finish), notes the view, ends its "arriving" mark, and announces the version.
    /// Returns the version number and the older versions' JSON.
    /// KEYS[1] the table; ARGV: instance, id, editKeyHash, createdAt, name, updatedAt, chargedTo,
    /// contentId, chunks, size, now (Unix ms), dropped chunks' life (ms), separator, rows, versions kept,
    /// replacing (1: a replacement, refused when the table was deleted meanwhile; 0: a new table).
    /// </summary>
    public const string Commit = """
        if ARGV[16] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then
          return redis.error_reply('TSVLIVE the table was deleted')
        end
        local prefix = 'tsvlive:content:' .. ARGV[8] .. ':'
        local chunks = tonumber(ARGV[9])
        for i = 0, chunks - 1 do
          if redis.call('EXISTS', prefix .. i) == 0 then
            return redis.error_reply('TSVLIVE a chunk of the new version is missing')
          end
        end
        local old = redis.call('HMGET', KEYS[1], 'content', 'chunks', 'version', 'name', 'size', 'updatedAt', 'chargedTo', 'separator', 'rows', 'older')
        local older = {}
        if old[10] then older = cjson.decode(old[10]) end
        if old[1] then
          table.insert(older, 1, { version = tonumber(old[3]), name = old[4], sizeBytes = tonumber(old[5]), updatedAt = old[6],
            chargedTo = old[7], separator = old[8] or '', rowCount = tonumber(old[9] or '-1'), content = old[1], chunks = tonumber(old[2]) })
        end
        local keep = tonumber(ARGV[15]) - 1
        while #older > keep do
          local gone = table.remove(older)
          for i = 0, gone.chunks - 1 do
            redis.call('PEXPIRE', 'tsvlive:content:' .. gone.content .. ':' .. i, ARGV[12])
          end
        end
        local olderJson = '[]'
        if #older > 0 then olderJson = cjson.encode(older) end
        local version = redis.call('HINCRBY', KEYS[1], 'version', 1)
        redis.call('HSET', KEYS[1], 'editKeyHash', ARGV[3], 'createdAt', ARGV[4], 'name', ARGV[5], 'updatedAt', ARGV[6],
          'chargedTo', ARGV[7], 'content', ARGV[8], 'chunks', ARGV[9], 'size', ARGV[10], 'separator', ARGV[13], 'rows', ARGV[14],
          'older', olderJson)
        for i = 0, chunks - 1 do
          redis.call('PERSIST', prefix .. i)
        end
        redis.call('ZADD', 'tsvlive:viewed', ARGV[11], ARGV[2])
        redis.call('DEL', 'tsvlive:arriving:' .. ARGV[2])
        redis.call('PUBLISH', 'tsvlive:versions', ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. version)
        return { version, olderJson }
        """;

    /// <summary>
    /// Appends complete records to the table's current version: at the end of its last chunk while that
    /// stays within the chunk size, else as a new chunk; then the version's size, rows and time, in the
    /// same step, and announces the new size. Refused when the table is gone, another version is
    /// current, or the stored version does not end where the appender's copy does (another stream
    /// appended meanwhile). Returns the new size.
    /// KEYS[1] the table; ARGV: instance, id, version, from (the size the appender knows), bytes, rows, updatedAt, chunk size.
    /// </summary>
    public const string Append = """
        local t = redis.call('HMGET', KEYS[1], 'version', 'size', 'content', 'chunks')
        if not t[1] then return redis.error_reply('TSVLIVE the table was deleted') end
        if t[1] ~= ARGV[3] then return redis.error_reply('TSVLIVE the table was replaced') end
        if t[2] ~= ARGV[4] then return redis.error_reply('TSVLIVE another stream appends') end
        local chunks = tonumber(t[4])
        local prefix = 'tsvlive:content:' .. t[3] .. ':'
        if chunks > 0 and redis.call('STRLEN', prefix .. (chunks - 1)) + #ARGV[5] <= tonumber(ARGV[8]) then
          redis.call('APPEND', prefix .. (chunks - 1), ARGV[5])
        else
          redis.call('SET', prefix .. chunks, ARGV[5])
          chunks = chunks + 1
        end
        local size = string.format('%d', tonumber(t[2]) + #ARGV[5])
        redis.call('HSET', KEYS[1], 'size', size, 'chunks', chunks, 'rows', ARGV[6], 'updatedAt', ARGV[7])
        redis.call('PUBLISH', 'tsvlive:appends', ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. size)
        return size
        """;

    /// <summary>
    /// The bytes of the table's current version from an offset on, at most a given number: walks the
    /// chunks' lengths to the offset. Returns {size, bytes, updatedAt}; {} when the table is gone or
    /// another version is current. KEYS[1] the table; ARGV: version, from, most bytes.
    /// </summary>
    public const string ReadAppended = """
        local t = redis.call('HMGET', KEYS[1], 'version', 'size', 'content', 'chunks', 'updatedAt')
        if not t[1] or t[1] ~= ARGV[1] then return {} end
        local from, size, most = tonumber(ARGV[2]), tonumber(t[2]), tonumber(ARGV[3])
        local stop = math.min(size, from + most)
        local prefix = 'tsvlive:content:' .. t[3] .. ':'
        local pieces, at = {}, 0
        for i = 0, tonumber(t[4]) - 1 do
          if at >= stop then break end
          local length = redis.call('STRLEN', prefix .. i)
          if at + length > from then
            local first = math.max(from, at) - at
            local last = math.min(stop, at + length) - at - 1
            pieces[#pieces + 1] = redis.call('GETRANGE', prefix .. i, first, last)
          end
          at = at + length
        end
        return { t[2], table.concat(pieces), t[5] }
        """;

    /// <summary>Deletes a table and every chunk of every version of it, and announces it (version 0). KEYS[1] the table; ARGV: instance, id.</summary>
    public const string Delete = """
        local old = redis.call('HMGET', KEYS[1], 'content', 'chunks', 'older')
        if old[1] then
          for i = 0, tonumber(old[2]) - 1 do
            redis.call('DEL', 'tsvlive:content:' .. old[1] .. ':' .. i)
          end
        end
        if old[3] then
          for _, v in ipairs(cjson.decode(old[3])) do
            for i = 0, v.chunks - 1 do
              redis.call('DEL', 'tsvlive:content:' .. v.content .. ':' .. i)
            end
          end
        end
        redis.call('DEL', KEYS[1])
        redis.call('ZREM', 'tsvlive:viewed', ARGV[2])
        redis.call('PUBLISH', 'tsvlive:versions', ARGV[1] .. ' ' .. ARGV[2] .. ' 0')
        return 1
        """;

    /// <summary>
    /// The viewer counts of every instance: records this instance's heartbeat and its counts of the
    /// tables given, forgets the instances whose heartbeat is older than the timeout (a crashed
    /// instance's viewers leave the counts), and returns the totals of every table whose count
    /// changed, as id, total pairs. ARGV: instance, now (Unix ms), timeout (ms), then id, count pairs.
    /// </summary>
    public const string Viewers = """
        local alive = 'tsvlive:instances'
        local now = tonumber(ARGV[2])
        redis.call('ZADD', alive, now, ARGV[1])
        local seen, order = {}, {}
        local function changed(id)
          if not seen[id] then seen[id] = true; order[#order + 1] = id end
        end
        local mine = 'tsvlive:instance-tables:' .. ARGV[1]
        for i = 4, #ARGV, 2 do
          local id, count = ARGV[i], tonumber(ARGV[i + 1])
          if count > 0 then
            redis.call('HSET', 'tsvlive:viewers:' .. id, ARGV[1], count)
            redis.call('SADD', mine, id)
          else
            redis.call('HDEL', 'tsvlive:viewers:' .. id, ARGV[1])
            redis.call('SREM', mine, id)
          end
          changed(id)
        end
        for _, dead in ipairs(redis.call('ZRANGEBYSCORE', alive, '-inf', now - tonumber(ARGV[3]))) do
          redis.call('ZREM', alive, dead)
          local theirs = 'tsvlive:instance-tables:' .. dead
          for _, id in ipairs(redis.call('SMEMBERS', theirs)) do
            redis.call('HDEL', 'tsvlive:viewers:' .. id, dead)
            changed(id)
          end
          redis.call('DEL', theirs)
        end
        local totals = {}
        for _, id in ipairs(order) do
          local total = 0
          for _, count in ipairs(redis.call('HVALS', 'tsvlive:viewers:' .. id)) do total = total + tonumber(count) end
          totals[#totals + 1] = id
          totals[#totals + 1] = total
        end
        return totals
        """;
}
