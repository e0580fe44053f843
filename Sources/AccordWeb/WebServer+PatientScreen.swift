import Hummingbird

extension WebServer {
    /// The patient's screen and its instruments: routes.
    func addPatientScreenRoutes(to router: Router<BasicRequestContext>) {}
}
