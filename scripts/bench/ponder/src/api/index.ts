// Ponder requires an API entry point; the benchmark queries PostgreSQL directly and serves nothing.
import { Hono } from "hono";

export default new Hono();
