package dev.loupe.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Checks the {@code authorization} metadata of every OTLP/gRPC call for scope write: missing or
 * unknown token → {@code UNAUTHENTICATED}, a token without write → {@code PERMISSION_DENIED}.
 * The caller's principal is then in {@link #current()} for the service.
 */
public final class GrpcTokenInterceptor implements ServerInterceptor {
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Context.Key<Principal> PRINCIPAL = Context.keyWithDefault("loupe-principal", Principal.ANONYMOUS);

  private final Authenticator authenticator;

  public GrpcTokenInterceptor(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** The principal of the call being served (anonymous when auth is off). */
  public static Principal current() {
    return PRINCIPAL.get();
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Verdict v = authenticator.check(headers.get(AUTHORIZATION), Scope.WRITE);
    if (v instanceof Verdict.Allowed allowed) {
      return Contexts.interceptCall(Context.current().withValue(PRINCIPAL, allowed.principal()), call, headers, next);
    }
    Status status = v instanceof Verdict.Forbidden f
        ? Status.PERMISSION_DENIED.withDescription(f.reason())
        : Status.UNAUTHENTICATED.withDescription(((Verdict.Unauthenticated) v).reason());
    call.close(status, new Metadata());
    return new ServerCall.Listener<>() {};
  }
}
