import AccordService
import HTTPTypes
import Hummingbird
import Logging

/// Adds the security headers to every response, error pages included, and turns any error a
/// route throws into a French page (never its text, which could hold what was typed).
///
/// The headers: `Content-Security-Policy: default-src 'self'` (no inline script or style,
/// nothing from elsewhere), `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`,
/// `X-Frame-Options: DENY`, and `Cache-Control: no-store` (pages may hold patient data).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: WebPages
    /// The language of error pages when the browser names neither French nor English.
    let language: Messages.Language

    /// The headers and their values.
    static var headers: [(HTTPField.Name, String)] {
        [
            (.contentSecurityPolicy, "default-src 'self'"),
            (.xContentTypeOptions, "nosniff"),
            (.referrerPolicy, "no-referrer"),
            (.xFrameOptions, "DENY"),
            (.cacheControl, "no-store"),
        ]
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let strings = WebStrings(Messages.language(acceptLanguage: request.headers[.acceptLanguage], fallback: language))
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            let notFound = error.status == .notFound
            let tooLarge = error.status == .contentTooLarge
            if !notFound { context.logger.info("request refused", metadata: ["status": "\(error.status.code)"]) }
            response = WebServer.page(
                pages.render(
                    "message", title: strings[notFound ? "notFoundTitle" : tooLarge ? "tooLargeTitle" : "serverErrorTitle"],
                    context: ["message": strings[notFound ? "notFound" : tooLarge ? "tooLarge" : "serverError"]], header: nil,
                    strings: strings),
                status: error.status)
        } catch {
            // The error's type only: its text may hold what was typed.
            context.logger.error("request failed", metadata: ["error": "\(type(of: error))"])
            response = WebServer.page(
                pages.render(
                    "message", title: strings["serverErrorTitle"], context: ["message": strings["serverError"]], header: nil,
                    strings: strings),
                status: .internalServerError)
        }
        for (name, value) in Self.headers { response.headers[name] = value }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
}
