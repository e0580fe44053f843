import Hummingbird

extension WebServer {
    /// Finding a patient's sessions and starting a session: routes.
    func addPatientsRoutes(to router: Router<BasicRequestContext>) {}
}
