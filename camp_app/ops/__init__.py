"""Operations: the health check for the load balancer and the Prometheus metrics."""
