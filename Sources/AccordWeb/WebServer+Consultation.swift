import Hummingbird

extension WebServer {
    /// The consultation page, its forms, amendments and history: routes.
    func addConsultationRoutes(to router: Router<BasicRequestContext>) {
        // Placeholders under /sessions/:id (not /sessions/**, which Hummingbird refuses beside
        // the patient's screen's /sessions/:id/ecran-patient); the consultation pages replace them.
        for path in ["/sessions/:id", "/sessions/:id/**"] {
            router.get(RouterPath(path)) { request, _ -> Response in
                guard try currentSignIn(request) != nil else { return signedOutRedirect(request) }
                throw HTTPError(.notFound)
            }
            router.post(RouterPath(path)) { request, _ -> Response in
                guard let (signIn, _) = try currentSignIn(request) else { return signedOutRedirect(request) }
                guard try await csrfFits(request, expected: signIn.csrfToken) else { return forbidden(strings(request)) }
                throw HTTPError(.notFound)
            }
        }
    }
}
