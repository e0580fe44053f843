import Hummingbird

extension WebServer {
    /// The access log's pages: routes.
    func addAccessRoutes(to router: Router<BasicRequestContext>) {}
}
