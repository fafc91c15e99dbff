/** The standalone server's port when --port is not given. */
export const DEFAULT_PORT = 7420;
