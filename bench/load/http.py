"""A raw keep-alive HTTP/1.1 load client: pre-built requests over N connections, requests/s and latency."""

import statistics
import time


def http_rate(*, base_url: str, requests: list[bytes], concurrency: int, ok: tuple[int, ...] = (200, 201)) -> dict:
    """Send pre-built raw HTTP/1.1 requests over ``concurrency`` keep-alive connections (asyncio); return requests/s.

    The requests are built before the clock starts, so the client spends its CPU on sockets only; its CPU
    time per request is reported (``client_cpu_ms``) because it shares the machine with the server.
    """
    import asyncio

    host, port = base_url.replace("http://", "").split(":")
    latencies: list[float] = []
    failures: list[int] = []
    queue = iter(requests)

    async def connection_run():
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for raw in queue:
                started = time.perf_counter()
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                if status not in ok:
                    failures.append(status)
        finally:
            writer.close()

    async def main():
        await asyncio.gather(*(connection_run() for _ in range(concurrency)))

    cpu, started = time.process_time(), time.perf_counter()
    asyncio.run(main())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    count = len(latencies)
    return {"requests": count, "seconds": round(elapsed, 2), "rps": round(count / elapsed, 1),
            "median_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[int(count * 0.95) - 1] * 1000, 1), "failures": len(failures),
            "client_cpu_ms": round(cpu * 1000 / count, 2)}


def server_cpu_seconds(pid: int) -> float | None:
    """Return the CPU seconds used so far by a process and its children (the uvicorn workers); None without psutil."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dev requirement
        return None
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])
