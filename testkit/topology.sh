# The lab's topology for shell scripts (source it): testkit/topology.json as variables.
# Usage: source testkit/topology.sh; echo "$TOPOLOGY_SBC_WSS_PORT"
# shellcheck shell=bash
eval "$(node -e '
  const t = require(process.argv[1]);
  const v = {
    HOST: t.host, DOMAIN: t.domain, COMPOSE_PROJECT: t.composeProject,
    SBC_WSS_PORT: t.sbc.wssPort, SBC_SIP_PORT: t.sbc.sipPort, SBC_HEALTH_PORT: t.sbc.healthPort,
    CREDENTIALS_PORT: t.credentials.port, RTPENGINE_NG_PORT: t.rtpengine.ngPort,
    RTPENGINE_RTP_MIN: t.rtpengine.rtpPorts[0], RTPENGINE_RTP_MAX: t.rtpengine.rtpPorts[1],
    REDIS_PORT: t.redis.port, PAGES_PORT: t.pages.port, DEMO_PORT: t.demo.port,
    ALLOWED_ORIGINS: t.allowedOrigins.join(" "),
  };
  for (const s of t.mediaServers) {
    const n = s.name.toUpperCase();
    Object.assign(v, { [n + "_SIP_PORT"]: s.sipPort, [n + "_HTTP_PORT"]: s.httpPort,
      [n + "_RTP_MIN"]: s.rtpPorts[0], [n + "_RTP_MAX"]: s.rtpPorts[1] });
  }
  for (const [k, x] of Object.entries(v)) console.log(`TOPOLOGY_${k}=${JSON.stringify(String(x))}`);
' "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/topology.json")"
